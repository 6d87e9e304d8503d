/**
 * Import benchmark (C20): import N rows (about 10 % duplicates: 5 % are clients already in the base,
 * 5 % repeat another row of the file with a reformatted phone) into a base of M clients on
 * PostgreSQL, beside a plain bulk insert of the same rows into the same tables in the same run.
 *
 *   npm run bench:import
 *
 * Environment: BENCH_IMPORT_BASE (1000000), BENCH_IMPORT_ROWS (100000), BENCH_DATABASE_URL (admin URL,
 * else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test), BENCH_IMPORT_KEEP=1 keeps the database.
 *
 * The import goes through the whole pipeline from the CSV bytes (parse, map, group within the file,
 * match against the base, owners and caps, write clients + parts + ownership + identifier index +
 * ledger events, report) in one transaction: `runImport`, as the CLI does. The baseline writes the same
 * rows' clients, legal entities, contacts, addresses and ownership rows with multi-row INSERT … SELECT
 * FROM json (5 000 rows per statement) in one transaction, and no identifier index, no matching; it is
 * rolled back so the import sees the same base.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { bootstrap } from '../src/app/bootstrap.ts';
import { openRuntime, type Runtime } from '../src/app/compose.ts';
import { runImport } from '../src/app/import/run.ts';
import { addUser } from '../src/app/use-cases/users.ts';
import { rows } from '../src/db/raw.ts';
import { buildFile } from './import-file.ts';
import { loadDemoAtScale } from '../src/app/demo/scale.ts';
import { installQueryTimer } from './query-timer.ts';
import { applyBenchPolicy } from './setup.ts';
import { envInt, fmtNum, formatGrid } from './stats.ts';

const started = performance.now();
const log = (s: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s] ${s}`);
const BASE = envInt('BENCH_IMPORT_BASE', 1_000_000);
const ROWS = envInt('BENCH_IMPORT_ROWS', 100_000);
const MANAGERS = 20;
const adminUrl =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  c.on('error', () => {});
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The same rows, plainly: multi-row INSERT … SELECT FROM json per table, 5 000 rows per statement. */
async function plainInsert(client: pg.Client, data: string[][]): Promise<number> {
  const t0 = performance.now();
  await client.query('BEGIN');
  const next = async (t: string) =>
    Number((await client.query(`SELECT coalesce(max(id), 0) + 1 AS n FROM ${t}`)).rows[0].n);
  let cid = await next('clients');
  let lid = await next('legal_entities');
  let kid = await next('contacts');
  let aid = await next('addresses');
  const now = new Date().toISOString();
  for (let s = 0; s < data.length; s += 5000) {
    const cl: unknown[] = [];
    const le: unknown[] = [];
    const co: unknown[] = [];
    const ad: unknown[] = [];
    for (const r of data.slice(s, s + 5000)) {
      const id = cid++;
      cl.push({ id, n: r[0] });
      if (r[1] || r[2]) le.push({ id: lid++, c: id, n: r[1] || r[0], inn: r[2] || null });
      if (r[3] || r[4] || r[8])
        co.push({
          id: kid++,
          c: id,
          n: r[8] || '—',
          p: r[9] || null,
          ph: r[3] ? r[3].split(', ') : [],
          em: r[4] ? [r[4]] : [],
        });
      if (r[5]) ad.push({ id: aid++, c: id, a: r[5], city: r[6] || null });
    }
    await client.query(
      `INSERT INTO clients (id, display_name, created_at, updated_at) OVERRIDING SYSTEM VALUE
       SELECT x.id, x.n, $2, $2 FROM json_to_recordset($1::json) AS x(id int, n text)`,
      [JSON.stringify(cl), now],
    );
    await client.query(
      `INSERT INTO ownership (client_id, line_id, owner_id, since)
       SELECT x.id, l.id, NULL, $2 FROM json_to_recordset($1::json) AS x(id int) CROSS JOIN lines l WHERE l.active`,
      [JSON.stringify(cl.map((c) => ({ id: (c as { id: number }).id }))), now],
    );
    await client.query(
      `INSERT INTO legal_entities (id, client_id, name, inn, created_at) OVERRIDING SYSTEM VALUE
       SELECT x.id, x.c, x.n, x.inn, $2 FROM json_to_recordset($1::json) AS x(id int, c int, n text, inn text)`,
      [JSON.stringify(le), now],
    );
    await client.query(
      `INSERT INTO contacts (id, client_id, name, position, phones, emails, created_at) OVERRIDING SYSTEM VALUE
       SELECT x.id, x.c, x.n, x.p, ARRAY(SELECT json_array_elements_text(x.ph)), ARRAY(SELECT json_array_elements_text(x.em)), $2
       FROM json_to_recordset($1::json) AS x(id int, c int, n text, p text, ph json, em json)`,
      [JSON.stringify(co), now],
    );
    await client.query(
      `INSERT INTO addresses (id, client_id, kind, address, city, created_at) OVERRIDING SYSTEM VALUE
       SELECT x.id, x.c, 'hq', x.a, x.city, $2 FROM json_to_recordset($1::json) AS x(id int, c int, a text, city text)`,
      [JSON.stringify(ad), now],
    );
  }
  const ms = performance.now() - t0;
  await client.query('ROLLBACK');
  return ms;
}

async function main() {
  const name = `fairbase_importbench_${Date.now()}`;
  const databaseUrl = withDatabase(adminUrl, name);
  // BENCH_IMPORT_FROM=db: the base is a copy of that database (e.g. one `fairbase demo --clients 1000000`
  // loaded), so repeated runs skip the base load.
  const from = process.env.BENCH_IMPORT_FROM;
  await adminQuery(from ? `CREATE DATABASE ${name} TEMPLATE ${from}` : `CREATE DATABASE ${name}`);
  const onSignal = () => {
    console.error(`interrupted: dropping ${name}`);
    adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`created database ${name}; base ${fmtNum(BASE)} clients, import ${fmtNum(ROWS)} rows`);
  let rt: Runtime | null = null;
  const raw = new pg.Client({ connectionString: databaseUrl });
  try {
    rt = await openRuntime({ databaseUrl, poolSize: 4 });
    const ctx = rt.ctx;
    await bootstrap(ctx, { createAdmin: false });
    await applyBenchPolicy(ctx);
    const hiredAt = new Date(Date.now() - 365 * 86_400_000);
    const head = await addUser(ctx, {
      name: 'Bench Head',
      email: 'head@bench.local',
      password: 'bench-password-1',
      role: 'head',
      hiredAt,
    });
    if (!head.ok) throw new Error(head.code);
    const emails: string[] = [];
    for (let i = 1; i <= MANAGERS; i++) {
      const email = `m${i}@bench.local`;
      const r = await addUser(ctx, {
        name: `Bench Manager ${i}`,
        email,
        password: 'bench-password-1',
        role: 'manager',
        hiredAt,
      });
      if (!r.ok) throw new Error(r.code);
      emails.push(email);
    }
    const tBase = performance.now();
    if (!from) {
      // The base: `fairbase demo`'s set-based generator (clients, legal entities, brands, contacts,
      // addresses, the identifier index, owners within caps), without touches.
      let lastBase = 0;
      const loaded = await loadDemoAtScale(ctx, {
        clients: BASE,
        managers: 50,
        touches: 0,
        password: 'bench-password-1',
        onProgress: (phase, done, total) => {
          if (performance.now() - lastBase > 15_000 || done === total) {
            lastBase = performance.now();
            log(`base ${phase}: ${fmtNum(done)}/${fmtNum(total)}`);
          }
        },
      });
      if (!loaded.ok) throw new Error(`demo: ${loaded.code}`);
      log(`base loaded and indexed in ${((performance.now() - tBase) / 1000).toFixed(1)} s`);
    }
    const [baseN] = await rows<{ n: string }>(ctx.db, sql`SELECT count(*) AS n FROM clients`);
    const baseCount = Number(baseN!.n);
    // 5 % of the file are clients already in the base, read back as they are stored.
    const baseSample = (
      await rows<Record<string, string | null>>(
        ctx.db,
        sql`SELECT c.display_name AS n, le.name AS le, le.inn, k.phones[1] AS ph, k.emails[1] AS em, a.address AS ad, a.city
            FROM clients c
            LEFT JOIN LATERAL (SELECT name, inn FROM legal_entities WHERE client_id = c.id ORDER BY id LIMIT 1) le ON true
            LEFT JOIN LATERAL (SELECT phones, emails FROM contacts WHERE client_id = c.id ORDER BY id LIMIT 1) k ON true
            LEFT JOIN LATERAL (SELECT address, city FROM addresses WHERE client_id = c.id ORDER BY id LIMIT 1) a ON true
            WHERE c.id % 97 = 3 ORDER BY c.id LIMIT ${Math.ceil(ROWS / 20)}`,
      )
    ).map((r) => [r.n, r.le, r.inn, r.ph, r.em, r.ad, r.city].map((v) => v ?? ''));
    const file = buildFile(ROWS, emails, baseSample);
    const bytes = Buffer.from(file.csv, 'utf8');
    log(`import file: ${fmtNum(file.rows.length)} rows, ${(bytes.length / 1e6).toFixed(1)} MB`);

    await raw.connect();
    const plainMs = await plainInsert(raw, file.rows);
    log(`plain bulk insert: ${(plainMs / 1000).toFixed(2)} s (rolled back)`);

    const timer = process.env.BENCH_IMPORT_TRACE === '1' ? installQueryTimer() : null;
    const t0 = performance.now();
    let lastLog = 0;
    const res = await runImport(ctx, {
      actor: { id: head.value.id, role: 'head' },
      file: { name: 'bench.csv', bytes },
      settings: {},
      dryRun: false,
      onProgress: (p) => {
        if (performance.now() - lastLog > 5000 || p.done === p.total) {
          lastLog = performance.now();
          log(`import ${p.phase}: ${fmtNum(p.done)}/${fmtNum(p.total)}`);
        }
      },
    });
    const importMs = performance.now() - t0;
    if (timer) {
      const stats = timer.stop().sort((a, b) => b.totalMs - a.totalMs);
      console.log(
        formatGrid(
          ['statement', 'n', 'total ms'],
          stats.slice(0, 15).map((s) => [s.label, String(s.n), s.totalMs.toFixed(0)]),
        ),
      );
    }
    if (!res.ok) throw new Error(`import refused: ${res.code} ${JSON.stringify(res.details)}`);
    const c = res.value.plan.counts;
    const [check] = await rows<{ n: string }>(ctx.db, sql`SELECT count(*) AS n FROM clients`);
    log(`clients after import: ${fmtNum(Number(check!.n))}`);
    console.log(
      `\n${formatGrid(
        [
          'base clients',
          'rows',
          'import s',
          'plain insert s',
          'ratio',
          'created',
          'linked',
          'maybe',
          'same in file',
          'owned',
          'errors',
        ],
        [
          [
            fmtNum(baseCount),
            fmtNum(ROWS),
            (importMs / 1000).toFixed(2),
            (plainMs / 1000).toFixed(2),
            `${(importMs / plainMs).toFixed(2)}×`,
            fmtNum(c.created),
            fmtNum(c.linked),
            fmtNum(c.maybe),
            fmtNum(c.sameInFile),
            fmtNum(c.owned),
            fmtNum(c.errors),
          ],
        ],
      )}\n`,
    );
    console.log('goal: import ≤ 5× the plain bulk insert of the same rows');
  } finally {
    await raw.end().catch(() => {});
    await rt?.close().catch(() => {});
    if (process.env.BENCH_IMPORT_KEEP === '1') log(`kept database ${name}`);
    else await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
