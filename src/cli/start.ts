import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bootstrap } from '../app/bootstrap.ts';
import { envConnectOptions, openRuntime } from '../app/compose.ts';
import type { AppContext } from '../app/context.ts';
import { liveDuplicatesMax } from '../app/identity/duplicate-scan.ts';
import { parseBackupEnv, parseSweepAt, startScheduler } from '../app/scheduler.ts';
import { createSmtpMailer, startOutbox } from '../app/mailer.ts';
import { loadDemo } from '../app/use-cases/load-demo.ts';
import { buildServer } from '../http/server.ts';
import { bufferIo, type CliIo } from './output.ts';

export type StartOptions = {
  env: NodeJS.ProcessEnv;
  io: CliIo;
  port: number;
  host: string;
  demoClients: number;
  now: Date | undefined;
  runCommand: (ctx: AppContext, argv: string[], io: CliIo) => Promise<number>;
};

/** Open the database (taking the data folder lock), migrate, bootstrap, serve; stop cleanly on SIGINT/SIGTERM. */
export async function startServer(o: StartOptions) {
  liveDuplicatesMax(o.env); // a bad FAIRBASE_LIVE_DUPLICATES_MAX stops the start, not a review later
  const rt = await openRuntime({ ...envConnectOptions(o.env), now: o.now });
  const { ctx, database } = rt;
  const boot = await bootstrap(ctx, {
    adminEmail: o.env.FAIRBASE_ADMIN_EMAIL,
    adminPassword: o.env.FAIRBASE_ADMIN_PASSWORD,
  });
  if (boot.adminCreated) {
    const a = boot.adminCreated;
    o.io.out(
      `Created the first administrator: ${a.email}${a.generated ? `  password: ${a.password}  (shown once; change it)` : ''}`,
    );
  }
  if (o.demoClients > 0) {
    const res = await loadDemo(ctx, { clients: o.demoClients });
    if (res.ok)
      o.io.out(
        `Demo data: ${res.value.clients} clients; managers sign in with password "${res.value.password}", e.g. ${res.value.users[1]?.email}`,
      );
    else o.io.out('Demo data skipped: the database already has clients.');
  }
  // The CLI reaches an embedded database through this server: a token only the lock file (mode 0600) reveals.
  const token = database.lock ? randomBytes(24).toString('base64url') : null;
  const app = await buildServer({
    ctx,
    logger: o.env.FAIRBASE_LOG === 'silent' ? false : { level: o.env.FAIRBASE_LOG ?? 'info' },
    trustProxy: o.env.FAIRBASE_TRUST_PROXY === '1',
    allowedOrigins: (o.env.FAIRBASE_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ops: token
      ? {
          token,
          run: async (argv) => {
            const bio = bufferIo();
            const exitCode = await o.runCommand(ctx, argv, bio);
            return { exitCode, stdout: bio.stdout.join('\n'), stderr: bio.stderr.join('\n') };
          },
        }
      : null,
    webRoot: builtWebRoot(),
  });
  await app.listen({ port: o.port, host: o.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${port}`;
  database.lock?.update({ url, token: token ?? undefined });
  o.io.out(
    `Fairbase is running at ${url} (database: ${database.kind}${database.dataDir ? ` in ${database.dataDir}` : ''}); API docs at ${url}/api/docs`,
  );
  // Nightly sweep and monthly cap review, once across instances (app/scheduler.ts).
  const stopScheduler = startScheduler(ctx, {
    sweepAt: parseSweepAt(o.env.FAIRBASE_SWEEP_AT),
    backup: parseBackupEnv(o.env, database.dataDir),
    log: (msg, data) => app.log.info(data ?? {}, msg),
  });
  // E-mail for notifications (C15): the outbox sends pending rows after their transaction commits.
  const stopOutbox = o.env.SMTP_URL
    ? startOutbox(
        ctx,
        createSmtpMailer(o.env.SMTP_URL, o.env.SMTP_FROM ?? 'Fairbase <fairbase@localhost>'),
        10_000,
        { log: (m) => app.log.warn(m) },
      )
    : null;
  // Graceful shutdown: stop taking connections (new requests get 503), let in-flight requests
  // finish (app.close waits for them), then close the database and exit 0.
  let stopping = false;
  const stop = async (signal?: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    stopScheduler();
    stopOutbox?.();
    await app.close();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { app, url, stop };
}

/** The built web UI (`npm start` builds it first, see bin/build-web.mjs); null when it was never built. */
function builtWebRoot(): string | null {
  const dir = fileURLToPath(new URL('../../web/dist/', import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : null;
}
