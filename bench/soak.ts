/**
 * Soak (issue 8, item 9): mixed HTTP load on PostgreSQL-backed servers for N minutes with autocannon,
 * sampling the servers' memory, then a report: throughput, p50/p99 latency, errors, memory over time
 * with a linear trend.
 *
 *   npm run soak -- --minutes 10 [--servers 2] [--sample 30] [--clients 2000] [--connections 16]
 *
 * A fresh database (fb_soak_<pid>) on the server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) gets the demo company; it is dropped at the end
 * (--keep keeps it). Two autocannon instances run side by side:
 *  - reads (as managers): lookups by name fragments, base lists, client cards;
 *  - writes (as managers): claim a pool client, log a touch on it, release it.
 * Errors are network errors/timeouts, 5xx, and any 4xx that is not an expected rule rejection
 * (a claim losing a race: CLIENT_OWNED_BY_OTHER, CAP_REACHED, ALREADY_OWNER, or re-claiming one this manager
 * released moments ago: RECLAIM_COOLDOWN; a release or touch of a
 * client whose claim lost: CLIENT_IN_POOL, NOT_OWNER, the touch rules' codes) — those are counted apart.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEMO_PASSWORD } from '../src/app/use-cases/load-demo.ts';
import { startServerProcess } from '../test/support/processes.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const minutes = arg('minutes', 10);
const serverCount = arg('servers', 2);
const sampleSeconds = arg('sample', 30);
const demoClients = arg('clients', 2000);
const connections = arg('connections', 16);
const keep = process.argv.includes('--keep');

/** Rule rejections a mixed load must expect (another connection won the race); not errors. */
const EXPECTED = new Set([
  'CLIENT_OWNED_BY_OTHER',
  'CAP_REACHED',
  'ALREADY_OWNER',
  'CLIENT_IN_POOL',
  'NOT_OWNER',
  'DO_NOT_CONTACT',
  'RECLAIM_COOLDOWN',
  'NON_OWNER_OUTREACH_BLOCKED',
]);

const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `fb_soak_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function admin(q: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;

async function main() {
  const load = (await import('node:os')).loadavg();
  console.log(
    `soak: ${minutes} min, ${serverCount} server(s), ${demoClients} demo clients, ${connections}+${connections} connections; load average at start ${load.map((l) => l.toFixed(1)).join(' ')}`,
  );
  await admin(`CREATE DATABASE ${dbName}`);
  const env = { DATABASE_URL: dbUrl, FAIRBASE_DATA_DIR: '' };
  const servers: Awaited<ReturnType<typeof startServerProcess>>[] = [];
  try {
    // The first server migrates and loads the demo; the others join the same database.
    const t0 = Date.now();
    servers.push(await startServerProcess(env, ['--demo', '--demo-clients', String(demoClients)]));
    for (let i = 1; i < serverCount; i++) servers.push(await startServerProcess(env));
    console.log(
      `servers up in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${servers.map((s) => s.url).join(' ')}`,
    );

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const managers = (
      await db.query<{ id: number; email: string }>(
        `SELECT id, email FROM users WHERE role = 'manager' AND status = 'active' ORDER BY id`,
      )
    ).rows;
    const clientRows = (
      await db.query<{ id: number; display_name: string }>('SELECT id, display_name FROM clients')
    ).rows;
    const poolIds = (
      await db.query<{ client_id: number }>('SELECT client_id FROM ownership WHERE owner_id IS NULL')
    ).rows.map((r) => r.client_id);
    await db.end();
    const tokens: string[] = [];
    for (const m of managers) {
      const r = await fetch(`${servers[0]!.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: m.email, password: DEMO_PASSWORD }),
      });
      if (!r.ok) throw new Error(`login ${m.email}: ${r.status} ${await r.text()}`);
      tokens.push(((await r.json()) as { token: string }).token);
    }
    const fragments = clientRows.map(
      (c) =>
        c.display_name
          .replace(/[«»"]/g, '')
          .split(/\s+/)
          .find((w) => w.length > 3)
          ?.slice(0, 5) ?? 'ооо',
    );
    const clientIds = clientRows.map((c) => c.id);
    console.log(`${managers.length} managers, ${clientIds.length} clients, ${poolIds.length} in the pool`);

    const codes: Record<string, number> = {};
    const errors: Record<string, number> = {};
    const classify = (kind: string) => (status: number, body: string) => {
      if (status < 300) {
        codes[`${kind} 2xx`] = (codes[`${kind} 2xx`] ?? 0) + 1;
        return;
      }
      let code = String(status);
      try {
        code = JSON.parse(body)?.error?.code ?? code;
      } catch {}
      const key = `${kind} ${status} ${code}`;
      if (status < 500 && EXPECTED.has(code)) codes[key] = (codes[key] ?? 0) + 1;
      else errors[key] = (errors[key] ?? 0) + 1;
    };
    // Each autocannon connection is one manager (round robin), on one server (round robin).
    const perConnection = () => {
      let n = 0;
      return (client: any) => {
        const i = n++;
        client.setHeaders({
          authorization: `Bearer ${tokens[i % tokens.length]}`,
          'content-type': 'application/json',
        });
      };
    };
    const run = (title: string, url: string, requests: any[]) =>
      autocannon({
        title,
        url,
        connections: Math.max(1, Math.round(connections / serverCount)),
        duration: minutes * 60,
        timeout: 30,
        setupClient: perConnection(),
        requests,
      });
    const reads = [
      {
        method: 'GET',
        setupRequest: (req: any) => {
          const r = Math.random();
          const path =
            r < 0.4
              ? `/api/lookup?q=${encodeURIComponent(pick(fragments))}`
              : r < 0.7
                ? `/api/managers/${pick(managers).id}/base?limit=50`
                : `/api/clients/${pick(clientIds)}`;
          return { ...req, path };
        },
        onResponse: (status: number, body: string) => classify('read')(status, body),
      },
    ];
    const writes = [
      {
        method: 'POST',
        setupRequest: (req: any, context: any) => {
          context.c = pick(poolIds);
          return { ...req, path: `/api/clients/${context.c}/claim`, body: '{}' };
        },
        onResponse: (status: number, body: string) => classify('claim')(status, body),
      },
      {
        method: 'POST',
        setupRequest: (req: any, context: any) => ({
          ...req,
          path: `/api/clients/${context.c}/touches`,
          body: JSON.stringify({ kind: 'call', outcome: 'reached', body: 'soak' }),
        }),
        onResponse: (status: number, body: string) => classify('touch')(status, body),
      },
      {
        method: 'POST',
        setupRequest: (req: any, context: any) => ({
          ...req,
          path: `/api/clients/${context.c}/release`,
          body: '{}',
        }),
        onResponse: (status: number, body: string) => classify('release')(status, body),
      },
    ];

    const samples: { s: number; rss: number[] }[] = [];
    const started = Date.now();
    const sample = () =>
      samples.push({ s: (Date.now() - started) / 1000, rss: servers.map((sv) => rssMb(sv.child.pid!)) });
    sample();
    const timer = setInterval(sample, sampleSeconds * 1000);
    const instances = servers.flatMap((sv, i) => [
      run(`reads ${i}`, sv.url, reads),
      run(`writes ${i}`, sv.url, writes),
    ]);
    const results = await Promise.all(instances);
    clearInterval(timer);
    sample();

    const total = results.reduce((a, r) => a + r.requests.total, 0);
    const secs = minutes * 60;
    console.log('\n== throughput and latency (autocannon) ==');
    for (const r of results)
      console.log(
        `${r.title!.padEnd(9)} ${(r.requests.total / secs).toFixed(1).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms  2xx ${r['2xx']}  non-2xx ${r.non2xx}  errors ${r.errors}  timeouts ${r.timeouts}`,
      );
    const lat = results.map((r) => r.latency);
    console.log(
      `all: ${total} requests, ${(total / secs).toFixed(1)} req/s; p50 ${Math.max(...lat.map((l) => l.p50))} ms, p99 ${Math.max(...lat.map((l) => l.p99))} ms (worst instance)`,
    );
    console.log('\n== responses ==');
    for (const [k, v] of Object.entries(codes).sort()) console.log(`  ${k.padEnd(40)} ${v}`);
    const netErrors = results.reduce((a, r) => a + r.errors + r.timeouts, 0);
    const errCount = Object.values(errors).reduce((a, b) => a + b, 0) + netErrors;
    console.log(`\n== errors: ${errCount} (network/timeouts ${netErrors}) ==`);
    for (const [k, v] of Object.entries(errors).sort()) console.log(`  ${k.padEnd(40)} ${v}`);

    console.log('\n== memory (RSS, MB) ==');
    console.log(`  ${'min'.padStart(6)} ${servers.map((_, i) => `server ${i}`.padStart(10)).join(' ')}`);
    for (const s of samples)
      console.log(
        `  ${(s.s / 60).toFixed(1).padStart(6)} ${s.rss.map((r) => r.toFixed(1).padStart(10)).join(' ')}`,
      );
    // The trend over the second half: the first minutes are warm-up (JIT, caches, pools filling).
    const half = samples.filter((s) => s.s >= (minutes * 60) / 2);
    servers.forEach((_, i) => {
      const all = slope(
        samples.map((s) => s.s / 60),
        samples.map((s) => s.rss[i]!),
      );
      const late =
        half.length > 2
          ? slope(
              half.map((s) => s.s / 60),
              half.map((s) => s.rss[i]!),
            )
          : Number.NaN;
      console.log(
        `  server ${i}: trend ${all.toFixed(2)} MB/min overall, ${late.toFixed(2)} MB/min over the second half`,
      );
    });
    console.log(
      `load average at end ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    process.exitCode = errCount === 0 ? 0 : 1;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (!keep) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

await main();
