import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { bootstrap } from '../app/bootstrap.ts';
import { DataDirLockedError, envConnectOptions, liveHolder, openRuntime } from '../app/compose.ts';
import type { AppContext } from '../app/context.ts';
import { activePolicy } from '../app/policy-store.ts';
import { claimClient } from '../app/use-cases/claim-client.ts';
import { findDuplicateClients } from '../app/identity/dedupe-base.ts';
import { LIVE_DUPLICATES_MAX, runDuplicateScan } from '../app/identity/duplicate-scan.ts';
import { lookup } from '../app/identity/lookup.ts';
import { formatReview, reviewBase } from '../app/identity/review.ts';
import { reindexAll } from '../app/identity/reindex.ts';
import { addLine, listLines } from '../app/use-cases/lines.ts';
import { mergeClients } from '../app/use-cases/merge-clients.ts';
import { loadDemoAtScale } from '../app/demo/scale.ts';
import { DEMO_PASSWORD, loadDemo } from '../app/use-cases/load-demo.ts';
import { applyPreset, setPolicy } from '../app/use-cases/policy.ts';
import { releaseClient } from '../app/use-cases/release-client.ts';
import { transferClient } from '../app/use-cases/transfer-client.ts';
import {
  addUser,
  listUsers,
  type PublicUser,
  revokeAllSessions,
  updateUser,
} from '../app/use-cases/users.ts';
import type { Outcome, RejectionCode } from '../core/outcome.ts';
import { defaultIdentityRules } from '../core/policy/policy.ts';
import { describeRejection } from '../contract/rejections.ts';
import { roleSchema, statusSchema } from '../contract/schemas.ts';

import { type CliIo, processIo, table } from './output.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerDisputeCommands } from './dispute-commands.ts';
import { progressBar, registerSweepCommands } from './sweep-commands.ts';
import { registerMoneyCommands } from './money-commands.ts';
import { registerBackupCommands } from './backup-commands.ts';
import { registerImportCommands } from './import-commands.ts';
import { registerActivityCommands } from './activity.ts';
import { dedupeCsv, parseColumnsOption } from './dedupe.ts';
import { startServer } from './start.ts';
import { findUserByRef } from '../app/queries/users.ts';

/** Above this many clients `fairbase demo` uses the set-based generator. */
const BULK_DEMO_FROM = 5_000;

export type CliEnv = {
  env: NodeJS.ProcessEnv;
  /** Set when the command runs inside a server that holds the data folder. */
  server?: AppContext;
};

/** Audit records of changes made from the command line name this actor. */
const CLI_ACTOR = { id: null, label: 'cli' } as const;

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function parseNow(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new CommanderError(2, 'fairbase.now', `--now: not a date: ${value}`);
  return d;
}

/**
 * The `fairbase` command. Returns the exit code (codes follow the rejection table).
 * With an embedded data folder held by a running server, commands are sent through that server.
 */
export async function runCli(
  argv: string[],
  io: CliIo = processIo,
  cli: CliEnv = { env: process.env },
): Promise<number> {
  const program = new Command('fairbase');
  program
    .description('Fairbase: who owns which client, and why')
    .option('--now <iso>', 'act at this instant instead of the clock (replays, demos)')
    .option('--json', 'print results as JSON')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const reject = (code: RejectionCode, details: Record<string, unknown>): never => {
    const r = describeRejection(code, details);
    io.err(`error ${code}: ${r.body.error.message}`);
    if (Object.keys(details).length) io.err(JSON.stringify(details));
    throw new Exit(r.exit);
  };
  const unwrap = <T>(out: Outcome<T>): T => (out.ok ? out.value : reject(out.code, out.details));
  const print = (value: unknown, human?: () => string) => {
    io.out(program.opts().json || !human ? JSON.stringify(value, null, 2) : human());
  };

  /** Run with a database: the server's (in-server), else open one; `null` means the command was forwarded. */
  const withCtx = async (fn: (ctx: AppContext) => Promise<void>): Promise<void> => {
    const now = parseNow(program.opts().now);
    if (cli.server) {
      const ctx = now ? { ...cli.server, clock: () => new Date(now) } : cli.server;
      return fn(ctx);
    }
    const conn = envConnectOptions(cli.env);
    if (!conn.databaseUrl) {
      const dataDir = resolve(conn.dataDir ?? 'data');
      const holder = liveHolder(dataDir);
      if (holder) {
        if (holder.url && holder.token) return forward(holder.url, holder.token);
        return reject('DATA_DIR_LOCKED', { pid: holder.pid, host: holder.host, dataDir });
      }
    }
    let rt: Awaited<ReturnType<typeof openRuntime>>;
    try {
      rt = await openRuntime({ ...conn, now });
    } catch (e) {
      if (e instanceof DataDirLockedError)
        return reject('DATA_DIR_LOCKED', { pid: e.holder.pid, dataDir: e.dataDir });
      throw e;
    }
    try {
      await bootstrap(rt.ctx, { createAdmin: false });
      await fn(rt.ctx);
    } finally {
      await rt.close();
    }
  };

  const forward = async (url: string, token: string) => {
    io.err(`(the data folder is held by the running server at ${url}; the command runs there)`);
    const res = await fetch(`${url}/api/internal/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fairbase-ops-token': token },
      body: JSON.stringify({ argv }),
    });
    if (!res.ok) {
      io.err(`the server refused the command (HTTP ${res.status})`);
      throw new Exit(1);
    }
    const body = (await res.json()) as { exitCode: number; stdout: string; stderr: string };
    if (body.stdout) io.out(body.stdout);
    if (body.stderr) io.err(body.stderr);
    throw new Exit(body.exitCode);
  };

  const userRef = async (ctx: AppContext, ref: string, field: string): Promise<PublicUser> =>
    (await findUserByRef(ctx.db, ref)) ?? reject('NOT_FOUND', { entity: 'user', field, ref });
  const intArg = (v: string, field: string): number => {
    const n = Number(v);
    return Number.isInteger(n) && n > 0
      ? n
      : reject('VALIDATION_FAILED', { issues: [{ path: field, message: `not a positive integer: ${v}` }] });
  };
  const portArg = (v: string): number => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && n <= 65535
      ? n
      : reject('VALIDATION_FAILED', { issues: [{ path: '--port', message: `not a port: ${v}` }] });
  };
  const lineOpt = (v: string | undefined) => (v ? { lineId: intArg(v, '--line') } : {});

  program
    .command('start')
    .description('start the HTTP server (and the web UI)')
    .option('--port <n>', 'port (env PORT)', cli.env.PORT ?? '3000')
    .option('--host <h>', 'interface (env HOST)', cli.env.HOST ?? '127.0.0.1')
    .option('--demo', 'load demo data on an empty database')
    .option('--demo-clients <n>', 'clients in the demo', '2000')
    .action(async (o: { port: string; host: string; demo?: boolean; demoClients: string }) => {
      if (cli.server) reject('CONFLICT', { reason: 'the server is already running' });
      await startServer({
        env: cli.env,
        io,
        port: portArg(o.port),
        host: o.host,
        demoClients: o.demo ? intArg(o.demoClients, '--demo-clients') : 0,
        now: parseNow(program.opts().now),
        runCommand: (ctx, args, bio) => runCli(args, bio, { env: cli.env, server: ctx }),
      });
    });

  program
    .command('migrate')
    .description('apply database migrations (the server also does this at start)')
    .action(() => withCtx(async () => io.out('migrations applied')));

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .requiredOption('--name <name>')
    .requiredOption('--email <email>')
    .addOption(new Option('--role <role>').choices(roleSchema.options).makeOptionMandatory())
    .option('--password <pw>', 'password (generated and printed when omitted)')
    .option('--hired-at <date>', 'hire date (newcomer rules count from it)')
    .action(
      (o: {
        name: string;
        email: string;
        role: 'manager' | 'head' | 'admin';
        password?: string;
        hiredAt?: string;
      }) =>
        withCtx(async (ctx) => {
          const password = o.password ?? randomBytes(9).toString('base64url');
          if (password.length < 8)
            reject('VALIDATION_FAILED', {
              issues: [{ path: '--password', message: 'at least 8 characters' }],
            });
          const hiredAt = o.hiredAt ? new Date(o.hiredAt) : undefined;
          if (hiredAt && Number.isNaN(hiredAt.getTime()))
            reject('VALIDATION_FAILED', { issues: [{ path: '--hired-at', message: 'not a date' }] });
          const u = unwrap(
            await addUser(ctx, { name: o.name, email: o.email, password, role: o.role, hiredAt }, CLI_ACTOR),
          );
          print(
            u,
            () => `user ${u.id} ${u.email} (${u.role}) added${o.password ? '' : `; password: ${password}`}`,
          );
        }),
    );
  user.command('list').action(() =>
    withCtx(async (ctx) => {
      const list = (await listUsers(ctx.db)).items;
      print(list, () =>
        table(
          list.map((u) => ({
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role,
            status: u.status,
            hired: u.hiredAt.toISOString().slice(0, 10),
          })),
        ),
      );
    }),
  );
  user
    .command('set-role <user> <role>')
    .description('user: id or e-mail')
    .action((ref: string, role: string) =>
      withCtx(async (ctx) => {
        const r = roleSchema.safeParse(role);
        if (!r.success)
          reject('VALIDATION_FAILED', {
            issues: [{ path: 'role', message: `one of ${roleSchema.options.join(', ')}` }],
          });
        const u = unwrap(
          await updateUser(ctx, (await userRef(ctx, ref, 'user')).id, { role: r.data! }, CLI_ACTOR),
        );
        print(u, () => `user ${u.id} is now ${u.role}`);
      }),
    );
  user
    .command('set-status <user> <status>')
    .description('user: id or e-mail; status: active, on_leave, left')
    .action((ref: string, status: string) =>
      withCtx(async (ctx) => {
        const s = statusSchema.safeParse(status);
        if (!s.success)
          reject('VALIDATION_FAILED', {
            issues: [{ path: 'status', message: `one of ${statusSchema.options.join(', ')}` }],
          });
        const u = unwrap(
          await updateUser(ctx, (await userRef(ctx, ref, 'user')).id, { status: s.data! }, CLI_ACTOR),
        );
        print(u, () => `user ${u.id} is now ${u.status}`);
      }),
    );

  user
    .command('set-password <user>')
    .description(
      'set a new password (generated and printed when --password is omitted); signs the user out everywhere',
    )
    .option('--password <pw>')
    .action((ref: string, o: { password?: string }) =>
      withCtx(async (ctx) => {
        const password = o.password ?? randomBytes(9).toString('base64url');
        if (password.length < 8)
          reject('VALIDATION_FAILED', { issues: [{ path: '--password', message: 'at least 8 characters' }] });
        const u = unwrap(
          await updateUser(ctx, (await userRef(ctx, ref, 'user')).id, { password }, CLI_ACTOR),
        );
        print(
          { id: u.id, email: u.email, ...(o.password ? {} : { password }) },
          () => `password of ${u.email} changed${o.password ? '' : `; new password: ${password}`}`,
        );
      }),
    );

  user
    .command('revoke-sessions <user>')
    .description('sign the user out everywhere (all their sessions end); audited')
    .action((ref: string) =>
      withCtx(async (ctx) => {
        const u = await userRef(ctx, ref, 'user');
        const r = unwrap(await revokeAllSessions(ctx, u.id, CLI_ACTOR));
        print(r, () => `${r.revoked} session(s) of ${u.email} ended`);
      }),
    );

  const policy = program.command('policy').description('show or change the rules');
  policy.command('show').action(() =>
    withCtx(async (ctx) => {
      const p = await activePolicy(ctx.db);
      io.out(JSON.stringify(p, null, 2));
    }),
  );
  policy
    .command('set <file>')
    .description('make the JSON policy in FILE the new version')
    .option('--note <text>')
    .action((file: string, o: { note?: string }) =>
      withCtx(async (ctx) => {
        let doc: unknown;
        try {
          doc = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          reject('VALIDATION_FAILED', { issues: [{ path: file, message: (e as Error).message }] });
        }
        const p = unwrap(await setPolicy(ctx, doc, null, o.note ?? `from ${file}`));
        print(p, () => `policy version ${p.version} is active`);
      }),
    );
  policy
    .command('preset <name>')
    .description('team | balanced | competition')
    .action((name: string) =>
      withCtx(async (ctx) => {
        const p = unwrap(await applyPreset(ctx, name, null));
        print(p, () => `policy version ${p.version} (preset ${name}) is active`);
      }),
    );

  program
    .command('lookup <fragment...>')
    .description('who owns this? any fragment: name, brand, ИНН, phone, e-mail, address')
    .option('--limit <n>', 'results', '10')
    .action((words: string[], o: { limit: string }) =>
      withCtx(async (ctx) => {
        const items = await lookup(ctx.db, words.join(' '), intArg(o.limit, '--limit'));
        print(items, () =>
          table(
            items.map((i) => ({
              client: i.clientId,
              name: i.client.displayName,
              score: i.score,
              matched: i.matched ? `${i.matched.kind}: ${i.matched.display}` : '',
              owner: i.client.owners.map((w) => w.ownerName ?? 'pool').join(', '),
            })),
          ),
        );
      }),
    );
  program
    .command('merge <survivor> <other>')
    .description('merge client OTHER into SURVIVOR (--as must be a head of sales)')
    .requiredOption('--as <user>', 'acting head: id or e-mail')
    .option('--owner <user>', 'give the merged client to this owner of one of the two (or "pool")')
    .action((survivor: string, other: string, o: { as: string; owner?: string }) =>
      withCtx(async (ctx) => {
        const u = await userRef(ctx, o.as, '--as');
        const ownerId =
          o.owner === undefined
            ? undefined
            : o.owner === 'pool'
              ? null
              : (await userRef(ctx, o.owner, '--owner')).id;
        const res = unwrap(
          await mergeClients(ctx, {
            actor: { kind: 'user', id: u.id, role: u.role },
            survivorId: intArg(survivor, 'survivor'),
            otherClientId: intArg(other, 'other'),
            ownerId,
          }),
        );
        print(res, () =>
          res.events
            .map(
              (e) =>
                `#${e.id} ${e.type} client ${e.clientId}: ${e.fromManagerId ?? 'pool'} → ${e.toManagerId ?? 'pool'} (${e.reasonCode})`,
            )
            .join('\n'),
        );
      }),
    );
  program
    .command('dedupe [file]')
    .description(
      'clusters of the same organisation in a CSV file (row,cluster,score), or --base for the database',
    )
    .option(
      '--columns <map>',
      'name=COL,address=COL,city=COL,phone=COL,inn=COL,email=COL (only name is required)',
    )
    .option('--out <file>', 'write the clusters here instead of stdout')
    .option('--base', 'likely duplicate clients already in the database')
    .option('--limit <n>', 'groups to show with --base')
    .action(
      async (
        file: string | undefined,
        o: { columns?: string; out?: string; base?: boolean; limit?: string },
      ) => {
        if (o.base) {
          return withCtx(async (ctx) => {
            const rules = (await activePolicy(ctx.db)).policy.identity;
            const groups = await findDuplicateClients(
              ctx.db,
              rules,
              o.limit ? { limit: intArg(o.limit, '--limit') } : {},
            );
            print(groups, () =>
              groups.length === 0
                ? 'no likely duplicates'
                : table(
                    groups.map((g) => ({
                      clients: g.clients.join(', '),
                      score: g.score,
                      reasons: g.reasons.join('; '),
                    })),
                  ),
            );
          });
        }
        if (!file)
          return reject('VALIDATION_FAILED', {
            issues: [{ path: 'file', message: 'a CSV file, or --base' }],
          });
        if (!o.columns)
          return reject('VALIDATION_FAILED', {
            issues: [{ path: '--columns', message: 'required with a file' }],
          });
        let columns: ReturnType<typeof parseColumnsOption>;
        try {
          columns = parseColumnsOption(o.columns);
        } catch (e) {
          return reject('VALIDATION_FAILED', {
            issues: [{ path: '--columns', message: (e as Error).message }],
          });
        }
        // A file is clustered here, without the database: with the default identity weights.
        const code = await dedupeCsv(
          { file, columns, rules: defaultIdentityRules, ...(o.out ? { out: o.out } : {}) },
          io,
        );
        if (code !== 0) throw new Exit(code);
      },
    );
  program
    .command('review')
    .description(
      'base review (C23): invalid ИНН/КПП/ОГРН, unparseable phones, stale contacts and legal entities, likely and forced duplicates',
    )
    .option('--untouched-days <n>', 'stale after this many days', '730')
    .option('--limit <n>', 'items per section', '100')
    .option(
      '--scan',
      `scan the base for likely duplicates first and keep the result (a base over ${LIVE_DUPLICATES_MAX} clients is otherwise scanned nightly)`,
    )
    .action((o: { untouchedDays: string; limit: string; scan?: boolean }) =>
      withCtx(async (ctx) => {
        const untouchedDays = intArg(o.untouchedDays, '--untouched-days');
        const limit = intArg(o.limit, '--limit');
        if (o.scan) await runDuplicateScan(ctx, `manual-${ctx.clock().toISOString()}`);
        const report = await reviewBase(ctx.db, {
          now: ctx.clock(),
          untouchedDays,
          limit,
        });
        print(report, () => formatReview(report));
      }),
    );
  program
    .command('reindex')
    .description('rebuild the identifier index of every client (after an upgrade or a bulk SQL change)')
    .action(() =>
      withCtx(async (ctx) => {
        const n = await ctx.db.transaction((tx) => reindexAll(tx));
        print({ clients: n }, () => `identifier index rebuilt for ${n} clients`);
      }),
    );

  const line = program.command('line').description('lines of business (C24)');
  line.command('list').action(() =>
    withCtx(async (ctx) => {
      const list = await listLines(ctx.db);
      print(list, () => table(list));
    }),
  );
  line
    .command('add <name>')
    .description('open a new line of business; every client starts in its pool')
    .action((name: string) =>
      withCtx(async (ctx) => {
        const l = unwrap(await addLine(ctx, name));
        print(l, () => `line ${l.id} «${l.name}» added; ${l.clients} clients in its pool`);
      }),
    );

  program
    .command('demo')
    .description(
      'load a demo radio-advertising company into an empty database; large --clients, --months or --managers ' +
        'use the set-based generator (seasonality, 2–4 week sales cycles, duplicates) with a progress bar',
    )
    .option('--clients <n>', 'number of clients', '2000')
    .option('--seed <n>', 'random seed', '42')
    .option('--months <n>', 'months of history (set-based generator; default 12)')
    .option('--managers <n>', 'sales managers (set-based generator; default max(8, clients / 2000))')
    .option('--touches <n>', 'touches to generate (set-based generator; default 10 per client)')
    .option('--bulk', 'use the set-based generator even for a small --clients')
    .action(
      (o: {
        clients: string;
        seed: string;
        months?: string;
        managers?: string;
        touches?: string;
        bulk?: boolean;
      }) =>
        withCtx(async (ctx) => {
          const clientsN = intArg(o.clients, '--clients');
          const bulk = o.bulk || clientsN > BULK_DEMO_FROM || o.months || o.managers || o.touches;
          if (bulk) {
            const bars = new Map<string, (d: number, t: number) => void>();
            const res = unwrap(
              await loadDemoAtScale(ctx, {
                clients: clientsN,
                seed: intArg(o.seed, '--seed'),
                months: o.months ? intArg(o.months, '--months') : undefined,
                managers: o.managers ? intArg(o.managers, '--managers') : undefined,
                touches: o.touches ? intArg(o.touches, '--touches') : undefined,
                password: DEMO_PASSWORD,
                onProgress: (phase, done, total) => {
                  if (program.opts().json) return;
                  if (!bars.has(phase)) bars.set(phase, progressBar(io, phase.padEnd(9)));
                  bars.get(phase)!(done, total);
                },
              }),
            );
            print(res, () =>
              [
                `demo loaded in ${res.seconds} s: ${res.clients} clients (${res.owned} in bases), ${res.managers} managers, ` +
                  `${res.events} ledger events, ${res.touches} touches, ${res.deals} deals`,
                `users (password "${res.password}"), e.g.:`,
                ...res.users.map((u) => `  ${u.email}  ${u.role}`),
              ].join('\n'),
            );
            return;
          }
          const res = unwrap(await loadDemo(ctx, { clients: clientsN, seed: intArg(o.seed, '--seed') }));
          print(res, () =>
            [
              `demo loaded: ${res.clients} clients, ${res.events} ledger events, ${res.touches} touches, ${res.deals} deals`,
              `users (password "${res.password}"):`,
              ...res.users.map((u) => `  ${u.email}  ${u.role}`),
            ].join('\n'),
          );
        }),
    );

  const ownershipAction = (name: string) =>
    program
      .command(`${name} <client>`)
      .requiredOption('--as <user>', 'acting user: id or e-mail')
      .option('--line <id>', 'line of business');
  ownershipAction('claim')
    .description('claim a pool client for --as')
    .action((client: string, o: { as: string; line?: string }) =>
      withCtx(async (ctx) => {
        const u = await userRef(ctx, o.as, '--as');
        const res = unwrap(
          await claimClient(ctx, {
            actor: { kind: 'user', id: u.id, role: u.role },
            clientId: intArg(client, 'client'),
            ...lineOpt(o.line),
          }),
        );
        print(res, () =>
          res.events
            .map((e) => `#${e.id} ${e.type} client ${e.clientId} → ${e.toManagerId} (${e.reasonCode})`)
            .join('\n'),
        );
      }),
    );
  ownershipAction('release')
    .description('release a client to the pool')
    .option('--reason <text>')
    .option('--override-protection')
    .action(
      (client: string, o: { as: string; line?: string; reason?: string; overrideProtection?: boolean }) =>
        withCtx(async (ctx) => {
          const u = await userRef(ctx, o.as, '--as');
          const res = unwrap(
            await releaseClient(ctx, {
              actor: { kind: 'user', id: u.id, role: u.role },
              clientId: intArg(client, 'client'),
              reason: o.reason ?? null,
              overrideProtection: Boolean(o.overrideProtection),
              ...lineOpt(o.line),
            }),
          );
          print(res, () =>
            res.events
              .map((e) => `#${e.id} ${e.type} client ${e.clientId} ← ${e.fromManagerId} (${e.reasonCode})`)
              .join('\n'),
          );
        }),
    );
  ownershipAction('transfer')
    .description('move a client to a manager (--as must be a head of sales)')
    .requiredOption('--to <user>', 'receiving manager: id or e-mail')
    .requiredOption('--reason <text>')
    .option('--override-protection')
    .action(
      (
        client: string,
        o: { as: string; to: string; line?: string; reason: string; overrideProtection?: boolean },
      ) =>
        withCtx(async (ctx) => {
          const u = await userRef(ctx, o.as, '--as');
          const to = await userRef(ctx, o.to, '--to');
          const res = unwrap(
            await transferClient(ctx, {
              actor: { kind: 'user', id: u.id, role: u.role },
              clientId: intArg(client, 'client'),
              toManagerId: to.id,
              reason: o.reason,
              overrideProtection: Boolean(o.overrideProtection),
              ...lineOpt(o.line),
            }),
          );
          print(res, () =>
            res.events
              .map(
                (e) =>
                  `#${e.id} ${e.type} client ${e.clientId}: ${e.fromManagerId ?? 'pool'} → ${e.toManagerId}`,
              )
              .join('\n'),
          );
        }),
    );

  const kit = {
    io,
    withCtx,
    print,
    unwrap,
    reject,
    userRef,
    intArg,
    json: () => Boolean(program.opts().json),
  };
  registerSweepCommands(program, kit);
  registerAuditCommands(program, kit);
  registerDisputeCommands(program, kit);
  registerMoneyCommands(program, kit);
  (await import('./simulate-commands.ts')).registerSimulateCommands(program, kit);
  registerBackupCommands(program, kit, cli.env);
  registerImportCommands(program, kit);
  registerActivityCommands(program, {
    withCtx,
    userRef,
    intArg,
    reject,
    unwrap,
    print,
    warn: (line) => io.err(line),
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    if (e instanceof CommanderError) {
      // Commander prints its own parse errors; ours (a bad --now) are printed here.
      if (e.code.startsWith('fairbase.')) io.err(`error: ${e.message}`);
      return e.exitCode === 0 ? 0 : 2;
    }
    io.err(`error: ${(e as Error).message}`);
    return 1;
  }
}

export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2));
  // `start` keeps running: its server holds the event loop; other commands exit with their code.
  if (process.argv[2] !== 'start' || code !== 0) process.exit(code);
}
