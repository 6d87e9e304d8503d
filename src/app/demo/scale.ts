import { sql } from 'drizzle-orm';
import { DEMO_SCALE_DOMAIN, demoScalePlan, type DemoScaleOptions } from '../../core/demo/scale-plan.ts';
import { effectiveCap } from '../../core/ownership/decide.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import type { AppContext } from '../context.ts';
import { hashPassword } from '../use-cases/users.ts';
import { loadRules } from '../use-cases/ownership-support.ts';
import { bulkLoadClients } from './bulk-clients.ts';
import { createRng } from '../../core/demo/prng.ts';
import { uniqueCoinedWord } from '../../core/demo/coined-words.ts';
import { type ClientSnapshot, identifiersOf } from '../../core/identity/identifiers.ts';
import { writeIndex } from '../identity/reindex.ts';

/**
 * `fairbase demo` at scale: a realistic history for benchmarks and demos, written set-based
 * (INSERT … SELECT over generate_series, multi-row inserts from JSON), so 1 M clients with 10 M touches
 * take minutes, not the row-by-row loader's hours.
 *
 * - Clients: the first TEMPLATE_CLIENTS come from the demo generator through the bulk client loader
 *   (names, legal entities, brands, contacts, addresses; identifier index written set-based). Beyond
 *   them clients are copies of a template with their own ИНН (valid checksum) and phone and a coined
 *   word of their own in place of the template's name word (display name, legal names, brands), so
 *   1 M names carry a realistic vocabulary. A copy's index: the template's contact and address rows
 *   shifted, its names through the normalisers (writeIndex), its ИНН and phone set-based.
 *   Duplicates: about 1 % of copies share the phone of another client; brands differ from the legal
 *   entity's name as the template's do.
 * - Managers: K managers of three activity levels (weights 3 / 2 / 1) and a head; a few newcomers.
 * - Ownership: each manager's base is a share of their effective cap (never over it); ledger events
 *   (a claim, for some clients an earlier claim and release by a colleague; some pool clients were
 *   owned and released) fold to the ownership table.
 * - Touches: sales cycles of 2–4 weeks (3–8 touches: call, meeting, proposal, closing call) ending in a
 *   won or lost deal (open if it runs past now), started on days drawn with radio-advertising
 *   seasonality; plus cold calls on pool clients.
 * Deterministic for a seed: every draw is hashint8extended(counter, seed).
 */

export const TEMPLATE_CLIENTS = 10_000;
const DAY = 86_400_000;
/** A number we computed, inlined as an SQL literal (typed where a parameter would be unknown). */
const lit = (x: number) => sql.raw(String(Math.trunc(x)));

export type DemoScaleResult = {
  users: { email: string; role: string }[];
  managers: number;
  clients: number;
  owned: number;
  events: number;
  touches: number;
  deals: number;
  password: string;
  seconds: number;
};

export type DemoProgress = (phase: string, done: number, total: number) => void;

const TMP = [
  '_demo_mgr',
  '_demo_mslot',
  '_demo_day',
  '_demo_owned',
  '_demo_pool',
  '_demo_ident',
  '_demo_tok',
] as const;

/**
 * Tables whose secondary indexes and foreign keys are dropped during the load and rebuilt once at the
 * end: a sort per index beats millions of single inserts, and one validating join per foreign key beats
 * a lookup per row (touches carry four: 10 M touches were 40 M key checks).
 */
const BULK_TABLES = [
  'clients',
  'legal_entities',
  'brands',
  'contacts',
  'addresses',
  'client_identifiers',
  'identity_tokens',
  'identity_terms',
  'touches',
  'deals',
  'ownership',
  'ownership_events',
] as const;

/**
 * Drop the secondary indexes (and identity_tokens' primary key, which nothing references) and the foreign
 * keys of BULK_TABLES; returns the statements that rebuild them, read from the catalog so they are exactly
 * what migrations made.
 */
async function suspendIndexes(ex: Executor): Promise<string[]> {
  const list = sql.join(
    BULK_TABLES.map((t) => sql`${t}`),
    sql`, `,
  );
  const idx = await rows<{ name: string; def: string }>(
    ex,
    sql`SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename IN (${list})
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  const pk = await rows<{ name: string; def: string }>(
    ex,
    sql`SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'identity_tokens'::regclass AND contype = 'p'`,
  );
  const fks = await rows<{ tbl: string; name: string; def: string }>(
    ex,
    sql`SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE contype = 'f' AND conrelid::regclass::text IN (${list}) ORDER BY conname`,
  );
  const restore: string[] = [];
  for (const f of fks) await ex.execute(sql.raw(`ALTER TABLE ${f.tbl} DROP CONSTRAINT "${f.name}"`));
  for (const i of idx) {
    await ex.execute(sql.raw(`DROP INDEX IF EXISTS "${i.name}"`));
    restore.push(i.def);
  }
  for (const c of pk) {
    await ex.execute(sql.raw(`ALTER TABLE identity_tokens DROP CONSTRAINT "${c.name}"`));
    restore.push(`ALTER TABLE identity_tokens ADD CONSTRAINT "${c.name}" ${c.def}`);
  }
  // Foreign keys last: their validation reads the rebuilt indexes.
  for (const f of fks) restore.push(`ALTER TABLE ${f.tbl} ADD CONSTRAINT "${f.name}" ${f.def}`);
  return restore;
}

type TemplateNames = {
  clients: { id: number; display_name: string }[];
  legal: { id: number; client_id: number; name: string }[];
  brands: { id: number; client_id: number; name: string }[];
};

/** The demo tells namesakes apart by a suffix («… (Кировский р-н)», «… №7»); a renamed copy needs none. */
const NAMESAKE_SUFFIX = /\s+(\(\p{L}+ р-н\)|№\d+)$/u;

/**
 * The names of one copy of the first `n` templates: each template's name core replaced by a new word
 * in its display name, legal names (an ИП's personal name has no core and stays) and brands; plus the
 * name-only snapshots the index is computed from, once the copy's id offsets are known.
 */
function renameCopy(tpl: TemplateNames, cores: string[], n: number, c0: number, coin: () => string) {
  const word = new Map<number, { core: string; word: string }>();
  const display: Record<number, string> = {};
  for (const c of tpl.clients) {
    if (c.id >= c0 + n) break;
    const core = cores[c.id - c0]!;
    const w = { core, word: coin() };
    word.set(c.id, w);
    display[c.id] = c.display_name.replace(NAMESAKE_SUFFIX, '').replaceAll(core, w.word);
  }
  const rename = (clientId: number, name: string) => {
    const w = word.get(clientId)!;
    return name.replaceAll(w.core, w.word);
  };
  const legal: Record<number, string> = {};
  for (const e of tpl.legal) if (word.has(e.client_id)) legal[e.id] = rename(e.client_id, e.name);
  const brands: Record<number, string> = {};
  for (const b of tpl.brands) if (word.has(b.client_id)) brands[b.id] = rename(b.client_id, b.name);
  const snapshots = (dc: number, dle: number, db: number): ClientSnapshot[] => {
    const byClient = new Map<number, ClientSnapshot>();
    for (const id of word.keys())
      byClient.set(id, {
        id: id + dc,
        displayName: display[id]!,
        legalEntities: [],
        brands: [],
        contacts: [],
        addresses: [],
      });
    for (const e of tpl.legal)
      byClient
        .get(e.client_id)
        ?.legalEntities.push({ id: e.id + dle, name: legal[e.id]!, inn: null, ogrn: null });
    for (const b of tpl.brands)
      byClient.get(b.client_id)?.brands.push({ id: b.id + db, name: brands[b.id]! });
    return [...byClient.values()];
  };
  return { display, legal, brands, snapshots };
}

export async function loadDemoAtScale(
  ctx: AppContext,
  opts: DemoScaleOptions & {
    password: string;
    onProgress?: DemoProgress;
    /** Clients generated in full before copying starts (tests use few); default TEMPLATE_CLIENTS. */
    templateClients?: number;
  },
): Promise<Outcome<DemoScaleResult>> {
  const started = Date.now();
  const ex = ctx.db;
  const now = ctx.clock();
  const progress = opts.onProgress ?? (() => {});
  const [existing] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM clients`);
  if (Number(existing?.n ?? 0) > 0)
    return fail('CONFLICT', {
      field: 'clients',
      reason: 'the database already has clients; demo data loads only into an empty one',
    });
  const rules = await loadRules(ex, undefined);
  if (!rules.ok) return rules;
  const policy = rules.value.policy.policy;
  const lineId = rules.value.lineIds[0]!;
  const plan = demoScalePlan(opts, now);
  const seed = plan.seed;
  const h = (counter: ReturnType<typeof sql>, salt: number) =>
    sql`abs(hashint8extended((${counter})::bigint, ${seed * 1000 + salt}::bigint))`;

  for (const t of TMP) await ex.execute(sql.raw(`DROP TABLE IF EXISTS ${t}`));
  let restore: string[] = [];
  try {
    // --- users ---------------------------------------------------------------------------------
    const passwordHash = await hashPassword(opts.password);
    const staff = [plan.head, ...plan.managers];
    await ex.execute(sql`INSERT INTO users (name, email, password_hash, role, hired_at, created_at)
      SELECT r->>0, r->>1, ${passwordHash}, r->>2, (r->>3)::timestamptz, ${now.toISOString()}::timestamptz
      FROM json_array_elements(${JSON.stringify(staff.map((p) => [p.name, p.email, p.role, p.hiredAt.toISOString()]))}::json) r`);
    const ids = await rows<{ id: number; email: string }>(
      ex,
      sql`SELECT id, email FROM users WHERE email LIKE ${`%@${DEMO_SCALE_DOMAIN}`} ORDER BY id`,
    );
    const idOf = new Map(ids.map((r) => [r.email, Number(r.id)]));
    // Each manager's base: a share of the effective cap (R-CAP-1, newcomer cap R-NEW-1), scaled down
    // when the team could hold more than 70 % of the clients.
    const caps = plan.managers.map(
      (m) => effectiveCap(policy, { hiredAt: m.hiredAt, capOverride: null }, now).cap,
    );
    const wanted = plan.managers.map((m, i) => Math.floor(caps[i]! * m.fill));
    const sum = wanted.reduce((a, b) => a + b, 0);
    const scale = sum > plan.clients * 0.7 ? (plan.clients * 0.7) / sum : 1;
    let lo = 1;
    const mgr = plan.managers.map((m, i) => {
      const base = Math.min(caps[i]!, Math.floor(wanted[i]! * scale));
      const row = [idOf.get(m.email)!, lo, lo + base - 1, m.weight, m.hiredAt.toISOString()];
      lo += base;
      return row;
    });
    const owned = lo - 1;
    await ex.execute(sql`CREATE TABLE _demo_mgr AS
      SELECT (r->>0)::int AS id, (r->>1)::int AS lo, (r->>2)::int AS hi, (r->>3)::int AS weight,
             (r->>4)::timestamptz AS hired_at
      FROM json_array_elements(${JSON.stringify(mgr)}::json) r`);
    await ex.execute(sql`CREATE TABLE _demo_mslot AS
      SELECT row_number() OVER (ORDER BY m.id, w)::int AS i, m.id, m.lo, m.hi
      FROM _demo_mgr m, generate_series(1, m.weight) w WHERE m.hi >= m.lo`);
    await ex.execute(sql`CREATE TABLE _demo_day AS
      SELECT (r->>0)::int AS i, (r->>1)::timestamptz AS day FROM json_array_elements(${JSON.stringify(plan.daySlots.map((d, i) => [i + 1, d.toISOString()]))}::json) r`);
    progress('users', 1, 1);

    // --- clients -------------------------------------------------------------------------------
    const N = plan.clients;
    const T = Math.min(N, opts.templateClients ?? TEMPLATE_CLIENTS);
    const span = plan.historyDays + 700;
    const { nameCores } = await bulkLoadClients(ex, {
      clients: T,
      seed,
      managers: 1,
      ownership: false,
      createdAt: (i) => new Date(now.getTime() - (1 + ((i * 7919 + seed) % span)) * DAY),
      onProgress: (d) => progress('clients', d, N),
    });
    const first = await rows<Record<string, number>>(
      ex,
      sql`SELECT (SELECT min(id) FROM clients) AS c, (SELECT min(id) FROM legal_entities) AS le,
            (SELECT count(*) FROM legal_entities)::int AS nle, (SELECT min(id) FROM contacts) AS k,
            (SELECT count(*) FROM contacts)::int AS nk, (SELECT min(id) FROM addresses) AS a,
            (SELECT count(*) FROM addresses)::int AS na, (SELECT min(id) FROM brands) AS b,
            (SELECT count(*) FROM brands)::int AS nb, (SELECT min(id) FROM client_identifiers) AS i,
            (SELECT max(id) FROM client_identifiers) AS imax`,
    );
    const f = Object.fromEntries(Object.entries(first[0]!).map(([k, v]) => [k, Number(v ?? 0)]));
    const ispan = f.imax! - f.i! + 1;
    // The template's names, for the copies' renamed ones.
    const tpl = {
      clients: await rows<{ id: number; display_name: string }>(
        ex,
        sql`SELECT id, display_name FROM clients ORDER BY id`,
      ),
      legal: await rows<{ id: number; client_id: number; name: string }>(
        ex,
        sql`SELECT id, client_id, name FROM legal_entities ORDER BY id`,
      ),
      brands: await rows<{ id: number; client_id: number; name: string }>(
        ex,
        sql`SELECT id, client_id, name FROM brands ORDER BY id`,
      ),
    };
    // Contact and address identifiers (and their postings) are copied; names are re-indexed per copy.
    // A posting is one per (word, client): a word of a contact or address that the template's name
    // also had points at the name's identifier and is rewritten with the renamed name, except the
    // replaced core word itself, which then goes unindexed for that copy's contact or address (a
    // rare coincidence such as a mall named like the shop; the lookup still finds the client by it
    // through the contact or address text the copy keeps on other words).
    await ex.execute(sql`CREATE TABLE _demo_ident AS SELECT * FROM client_identifiers
      WHERE kind IN ('contact_name', 'address')`);
    await ex.execute(sql`CREATE TABLE _demo_tok AS SELECT t.* FROM identity_tokens t
      WHERE t.identifier_id IN (SELECT id FROM _demo_ident)`);
    restore = await suspendIndexes(ex);
    const seq = sql`pg_get_serial_sequence('client_identifiers', 'id')`;
    let lastIdentifier = f.imax!;
    const coinRng = createRng(seed * 7919 + 17);
    const usedWords = new Set<string>();
    // Copies k = 1.. of the templates, one statement per table per copy; each copied client gets a
    // coined word of its own in place of its template's name core («Стоматология Улыбка» →
    // «Стоматология Ведранта»), so 1 M names carry a realistic vocabulary rather than the template's
    // 2 500 words repeated a hundred times (a word prefix then singles out a few clients, as in a
    // real base).
    for (let k = 1; k * T < N; k++) {
      const n = Math.min(T, N - k * T);
      const c0 = f.c!;
      const cid = sql`(c.id + ${k * T})`;
      const copy = renameCopy(tpl, nameCores, n, c0, () => uniqueCoinedWord(coinRng, usedWords));
      await ex.execute(sql`INSERT INTO clients (id, display_name, notes, created_at, updated_at) OVERRIDING SYSTEM VALUE
        SELECT ${cid}, w.value, c.notes, t, t FROM clients c
          JOIN jsonb_each_text(${JSON.stringify(copy.display)}::jsonb) w ON w.key::int = c.id,
          LATERAL (SELECT ${now.toISOString()}::timestamptz - make_interval(days => (1 + ${h(cid, 1)} % ${span})::int) AS t) x
        WHERE c.id < ${c0 + n}`);
      // A fresh ИНН (10 digits, valid checksum) per copied legal entity.
      await ex.execute(sql`INSERT INTO legal_entities (id, client_id, name, legal_form, inn, kpp, ogrn, created_at) OVERRIDING SYSTEM VALUE
        SELECT e.id + ${k * f.nle!}, e.client_id + ${k * T}, w.value, e.legal_form, x.inn, e.kpp, NULL, e.created_at
        FROM legal_entities e
          JOIN jsonb_each_text(${JSON.stringify(copy.legal)}::jsonb) w ON w.key::int = e.id,
          LATERAL (SELECT lpad(((${h(sql`e.id + ${k * f.nle!}`, 2)} % 900000000) + 100000000)::text, 9, '0') AS d9) y,
          LATERAL (SELECT d9 || (((
              2 * substr(d9, 1, 1)::int + 4 * substr(d9, 2, 1)::int + 10 * substr(d9, 3, 1)::int +
              3 * substr(d9, 4, 1)::int + 5 * substr(d9, 5, 1)::int + 9 * substr(d9, 6, 1)::int +
              4 * substr(d9, 7, 1)::int + 6 * substr(d9, 8, 1)::int + 8 * substr(d9, 9, 1)::int) % 11) % 10)::text AS inn) x
        WHERE e.client_id < ${c0 + n} AND e.id < ${f.le! + f.nle!}`);
      await ex.execute(sql`INSERT INTO brands (id, client_id, name, created_at) OVERRIDING SYSTEM VALUE
        SELECT b.id + ${k * f.nb!}, b.client_id + ${k * T}, w.value, b.created_at FROM brands b
          JOIN jsonb_each_text(${JSON.stringify(copy.brands)}::jsonb) w ON w.key::int = b.id
        WHERE b.client_id < ${c0 + n} AND b.id < ${f.b! + f.nb!}`);
      // A fresh mobile number per copied contact (about 1 % reuse the number of the contact before).
      await ex.execute(sql`INSERT INTO contacts (id, client_id, name, position, is_decision_maker, phones, emails, do_not_contact, created_at) OVERRIDING SYSTEM VALUE
        SELECT k.id + ${k * f.nk!}, k.client_id + ${k * T}, k.name, k.position, k.is_decision_maker,
          CASE WHEN cardinality(k.phones) = 0 THEN '{}'::text[] ELSE ARRAY['+7 ' || substr(p, 1, 3) || ' ' || substr(p, 4, 3) || '-' || substr(p, 7, 2) || '-' || substr(p, 9, 2)] END,
          '{}'::text[], k.do_not_contact, k.created_at
        FROM contacts k,
          LATERAL (SELECT (9000000000 + ${h(sql`CASE WHEN ${h(sql`k.id + ${k * f.nk!}`, 3)} % 100 = 0 THEN k.id + ${k * f.nk!} - 1 ELSE k.id + ${k * f.nk!} END`, 4)} % 999999999)::text AS p) x
        WHERE k.client_id < ${c0 + n} AND k.id < ${f.k! + f.nk!}`);
      await ex.execute(sql`INSERT INTO addresses (id, client_id, kind, address, city, created_at) OVERRIDING SYSTEM VALUE
        SELECT a.id + ${k * f.na!}, a.client_id + ${k * T}, a.kind, a.address, a.city, a.created_at FROM addresses a
        WHERE a.client_id < ${c0 + n} AND a.id < ${f.a! + f.na!}`);
      // The index: the template's contact and address identifiers and their postings, shifted past
      // every id used so far (the sequence then moves past them); the renamed names through the
      // normalisers (writeIndex draws their ids from the sequence); ИНН and phones at the end.
      const shift = lit(lastIdentifier - (f.i! - 1));
      await ex.execute(sql`INSERT INTO client_identifiers (id, client_id, kind, value, display, source_type, source_id) OVERRIDING SYSTEM VALUE
        SELECT i.id + ${shift}, i.client_id + ${k * T}, i.kind, i.value, i.display, i.source_type,
          i.source_id + CASE i.source_type WHEN 'client' THEN ${lit(k * T)} WHEN 'legal_entity' THEN ${lit(k * f.nle!)}
            WHEN 'brand' THEN ${lit(k * f.nb!)} WHEN 'contact' THEN ${lit(k * f.nk!)} ELSE ${lit(k * f.na!)} END
        FROM _demo_ident i WHERE i.client_id < ${c0 + n}`);
      await ex.execute(sql`INSERT INTO identity_tokens (token, client_id, identifier_id)
        SELECT t.token, t.client_id + ${k * T}, t.identifier_id + ${shift} FROM _demo_tok t
        WHERE t.client_id < ${c0 + n}`);
      await ex.execute(sql`SELECT setval(${seq}, ${lit(lastIdentifier + ispan)})`);
      await writeIndex(
        ex,
        [],
        copy
          .snapshots(k * T, k * f.nle!, k * f.nb!)
          .map((s) => ({ clientId: s.id, identifiers: identifiersOf(s) })),
        { fresh: true },
      );
      const [last] = await rows<{ n: string }>(
        ex,
        sql`SELECT pg_sequence_last_value(${seq}::regclass)::text AS n`,
      );
      lastIdentifier = Number(last!.n);
      progress('clients', k * T + n, N);
    }
    await ex.execute(
      sql`SELECT setval(pg_get_serial_sequence('client_identifiers', 'id'), (SELECT max(id) FROM client_identifiers))`,
    );
    await ex.execute(sql`INSERT INTO client_identifiers (client_id, kind, value, display, source_type, source_id)
      SELECT e.client_id, 'inn', e.inn, e.inn, 'legal_entity', e.id FROM legal_entities e
      WHERE e.client_id >= ${f.c! + T} AND e.inn IS NOT NULL`);
    await ex.execute(sql`INSERT INTO client_identifiers (client_id, kind, value, display, source_type, source_id)
      SELECT k.client_id, 'phone', '+' || regexp_replace(p, '\\D', '', 'g'), p, 'contact', k.id
      FROM contacts k, unnest(k.phones) p WHERE k.client_id >= ${f.c! + T}`);
    for (const table of ['clients', 'legal_entities', 'brands', 'contacts', 'addresses'])
      await ex.execute(
        sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`),
      );
    progress('clients', N, N);

    // --- ownership and the ledger --------------------------------------------------------------
    // Rank: a permutation of the clients (multiplicative, prime step); ranks 1..owned are owned.
    const P = N % 1_000_003 === 0 ? 999_983 : 1_000_003;
    const hist = plan.historyStart.toISOString();
    await ex.execute(sql`CREATE TABLE _demo_owned AS
      SELECT r.rank, r.client_id, m.id AS owner_id, m.hired_at,
        least(${now.toISOString()}::timestamptz - interval '1 day',
          greatest(${hist}::timestamptz + make_interval(days => (${h(sql`r.rank`, 5)} % 60)::int, hours => (9 + ${h(sql`r.rank`, 6)} % 9)::int),
                   m.hired_at + make_interval(days => (1 + ${h(sql`r.rank`, 7)} % 10)::int))) AS since
      FROM (SELECT c.id AS client_id, 1 + ((c.id - ${f.c!})::bigint * ${P}) % ${N} AS rank FROM clients c) r
      JOIN (SELECT m.id, m.hired_at, generate_series(m.lo, m.hi)::bigint AS rank FROM _demo_mgr m) m ON m.rank = r.rank`);
    await ex.execute(sql`ALTER TABLE _demo_owned ADD PRIMARY KEY (rank)`);
    await ex.execute(sql`CREATE TABLE _demo_pool AS
      SELECT row_number() OVER (ORDER BY c.id)::int AS i, c.id AS client_id FROM clients c
      WHERE NOT EXISTS (SELECT 1 FROM _demo_owned o WHERE o.client_id = c.id)`);
    await ex.execute(sql`ALTER TABLE _demo_pool ADD PRIMARY KEY (i)`);
    const [poolN] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM _demo_pool`);
    const pool = Number(poolN?.n ?? 0);
    progress('ownership', 1, 3);

    const protDays = policy.claimProtectionDays;
    const nc = policy.newcomer;
    const protect = (at: ReturnType<typeof sql>, hired: ReturnType<typeof sql>) =>
      sql`nullif(greatest(
        ${protDays > 0 ? sql`${at} + make_interval(days => ${protDays})` : sql`NULL::timestamptz`},
        ${nc.enabled && nc.protectClients ? sql`CASE WHEN ${at} < ${hired} + make_interval(days => ${nc.days}) THEN ${hired} + make_interval(days => ${nc.days}) END` : sql`NULL::timestamptz`}), NULL)`;
    const ev = (type: string, reason: string, rule: string) => sql`${type}, ${reason}, ${rule}`;
    const rel = ev('ClientReleased', 'RELEASED_BY_OWNER', 'R-REL-1');
    const clm = ev('ClientClaimed', 'CLAIMED_FROM_POOL', 'R-CLAIM-1');
    // Earlier owners: for ~30 % of owned clients a colleague (hired by then) claimed and released it
    // before; ~20 % of pool clients were owned once and released.
    await ex.execute(sql`INSERT INTO ownership_events (client_id, line_id, type, reason_code, rule, from_manager_id, to_manager_id,
        actor, policy_version, occurred_at, protected_until, details)
      SELECT client_id, ${lineId}, type, reason, rule, from_id, to_id, 'user:' || coalesce(to_id, from_id),
        ${rules.value.policy.version}, at, prot, '{"demo": true}'::jsonb
      FROM (
        SELECT o.client_id, p.owner_id AS to_id, NULL::int AS from_id, ${clm}, e.claimed AS at,
               ${protect(sql`e.claimed`, sql`p.hired_at`)} AS prot, 1 AS seq
        FROM _demo_owned o
        JOIN _demo_owned p ON p.rank = 1 + (o.rank * 7919) % ${owned},
        LATERAL (SELECT o.since - make_interval(days => (45 + ${h(sql`o.rank`, 8)} % 60)::int) AS claimed,
                        o.since - make_interval(days => (1 + ${h(sql`o.rank`, 9)} % 20)::int) AS released) e
        WHERE ${h(sql`o.rank`, 10)} % 10 < 3 AND p.owner_id <> o.owner_id AND p.hired_at < e.claimed
        UNION ALL
        SELECT o.client_id, NULL, p.owner_id, ${rel}, e.released, NULL, 2
        FROM _demo_owned o
        JOIN _demo_owned p ON p.rank = 1 + (o.rank * 7919) % ${owned},
        LATERAL (SELECT o.since - make_interval(days => (45 + ${h(sql`o.rank`, 8)} % 60)::int) AS claimed,
                        o.since - make_interval(days => (1 + ${h(sql`o.rank`, 9)} % 20)::int) AS released) e
        WHERE ${h(sql`o.rank`, 10)} % 10 < 3 AND p.owner_id <> o.owner_id AND p.hired_at < e.claimed
        UNION ALL
        SELECT o.client_id, o.owner_id, NULL, ${clm}, o.since, ${protect(sql`o.since`, sql`o.hired_at`)}, 3
        FROM _demo_owned o
        UNION ALL
        SELECT q.client_id, p.owner_id, NULL, ${clm}, e.claimed, ${protect(sql`e.claimed`, sql`p.hired_at`)}, 1
        FROM _demo_pool q JOIN _demo_owned p ON p.rank = 1 + (q.i::bigint * 7919) % greatest(${owned}, 1),
        LATERAL (SELECT ${hist}::timestamptz + make_interval(days => (${h(sql`q.i`, 11)} % greatest(${plan.historyDays - 60}, 1))::int) AS claimed) e
        WHERE ${h(sql`q.i`, 12)} % 10 < 2 AND p.hired_at < e.claimed
        UNION ALL
        SELECT q.client_id, NULL, p.owner_id, ${rel}, e.claimed + make_interval(days => (20 + ${h(sql`q.i`, 13)} % 40)::int), NULL, 2
        FROM _demo_pool q JOIN _demo_owned p ON p.rank = 1 + (q.i::bigint * 7919) % greatest(${owned}, 1),
        LATERAL (SELECT ${hist}::timestamptz + make_interval(days => (${h(sql`q.i`, 11)} % greatest(${plan.historyDays - 60}, 1))::int) AS claimed) e
        WHERE ${h(sql`q.i`, 12)} % 10 < 2 AND p.hired_at < e.claimed
      ) s (client_id, to_id, from_id, type, reason, rule, at, prot, seq)
      ORDER BY client_id, seq`);
    progress('ownership', 2, 3);
    await ex.execute(sql`INSERT INTO ownership (client_id, line_id, owner_id, since, protected_until, last_reason, last_event_id)
      SELECT c.id, l.id, CASE WHEN l.id = ${lineId} THEN e.to_manager_id END,
        CASE WHEN l.id = ${lineId} THEN coalesce(e.occurred_at, c.created_at) ELSE c.created_at END,
        CASE WHEN l.id = ${lineId} THEN e.protected_until END,
        CASE WHEN l.id = ${lineId} THEN e.reason_code END,
        CASE WHEN l.id = ${lineId} THEN e.id END
      FROM clients c CROSS JOIN lines l
      LEFT JOIN (SELECT DISTINCT ON (client_id, line_id) * FROM ownership_events ORDER BY client_id, line_id, id DESC) e
        ON e.client_id = c.id AND e.line_id = l.id`);
    progress('ownership', 3, 3);

    // --- sales cycles: touches and deals -------------------------------------------------------
    const touchesWanted = plan.touches;
    // Sales cycles on the bases: 85 % of the touches, but at most one cycle per owned client every two
    // months; the rest are cold calls on pool clients (prospecting).
    const maxCycles = Math.floor((owned * plan.historyDays) / 60);
    const cycles = owned > 0 ? Math.min(maxCycles, Math.max(1, Math.round((touchesWanted * 0.85) / 5.5))) : 0;
    const cold = pool > 0 ? Math.max(0, touchesWanted - Math.round(cycles * 5.5)) : 0;
    const [dayN] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM _demo_day`);
    const [slotN] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM _demo_mslot`);
    const nDays = Number(dayN?.n ?? 1);
    const nSlots = Number(slotN?.n ?? 1);
    const nowIso = now.toISOString();
    const CHUNK = 200_000;
    let touchRows = 0;
    let dealRows = 0;
    const work = cycles + cold;
    const kinds = sql`ARRAY['call','meeting','proposal','email','meeting','proposal','email']`;
    for (let s = 0; s < cycles; s += CHUNK) {
      const e = Math.min(cycles, s + CHUNK);
      // One cycle: a manager (by activity), a client of their base, a start day (by season).
      const cyc = sql`SELECT g, ms.id AS manager_id, o.client_id,
          greatest(d.day + make_interval(hours => (9 + ${h(sql`g`, 21)} % 9)::int), o.since + interval '1 day') AS start_at,
          (14 + ${h(sql`g`, 22)} % 15)::int AS len, (3 + ${h(sql`g`, 23)} % 6)::int AS n,
          ${h(sql`g`, 24)} % 100 < 35 AS won
        FROM generate_series(${s + 1}::bigint, ${e}::bigint) g
        JOIN _demo_mslot ms ON ms.i = 1 + ${h(sql`g`, 25)} % ${nSlots}
        JOIN _demo_owned o ON o.rank = ms.lo + ${h(sql`g`, 26)} % (ms.hi - ms.lo + 1)
        JOIN _demo_day d ON d.i = 1 + ${h(sql`g`, 27)} % ${nDays}`;
      const res = (await ex.execute(sql`WITH cyc AS MATERIALIZED (${cyc}),
        t AS (
          SELECT c.client_id, c.manager_id, c.start_at + make_interval(secs => (c.len * 86400.0 * (i - 1) / (c.n - 1))) AS at,
            CASE WHEN i = 1 OR i = c.n THEN 'call' ELSE (${kinds})[1 + (c.g + i) % 7] END AS kind,
            CASE WHEN i = 1 THEN (CASE WHEN c.g % 3 = 0 THEN 'not_reached' ELSE 'reached' END)
                 WHEN i = c.n THEN (CASE WHEN c.won THEN 'reached' ELSE 'refused' END)
                 ELSE (ARRAY['reached','meeting_held','proposal_sent','other','meeting_held','proposal_sent','other'])[1 + (c.g + i) % 7] END AS outcome,
            i, c.n
          FROM cyc c, generate_series(1, c.n) i
        ),
        ins AS (
          INSERT INTO touches (client_id, line_id, author_id, kind, direction, outcome, occurred_at, created_at, body)
          SELECT client_id, ${lineId}, manager_id, kind, CASE WHEN i % 4 = 3 THEN 'inbound' ELSE 'outbound' END,
                 CASE WHEN kind = 'meeting' THEN 'meeting_held' WHEN kind = 'proposal' THEN 'proposal_sent'
                      WHEN kind = 'email' THEN 'other' ELSE outcome END,
                 at, at, CASE WHEN i = 1 THEN 'Первый звонок: сезонная кампания' WHEN i = n THEN 'Итог переговоров' ELSE '' END
          FROM t WHERE at < ${nowIso}::timestamptz
          RETURNING 1
        ),
        dl AS (
          INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, expected_close_at, won_at, lost_at,
                             lost_reason, signed_at, due_at, paid_at, created_by, created_at, updated_at)
          SELECT c.client_id, ${lineId}, c.manager_id, 'Рекламная кампания ' || to_char(c.start_at, 'MM.YYYY'),
            CASE WHEN x.done AND c.won THEN 'won' WHEN x.done THEN 'lost' ELSE 'negotiation' END,
            (50000 + ${h(sql`c.g`, 28)} % 2950000) * 100,
            CASE WHEN x.done THEN NULL ELSE x.close_at END,
            CASE WHEN x.done AND c.won THEN x.close_at END,
            CASE WHEN x.done AND NOT c.won THEN x.close_at END,
            CASE WHEN x.done AND NOT c.won THEN (ARRAY['бюджет ушёл на digital','дорого','выбрали другую станцию','перенесли кампанию'])[1 + c.g % 4] END,
            CASE WHEN x.done AND c.won THEN x.close_at END,
            CASE WHEN x.done AND c.won THEN x.close_at + interval '14 days' END,
            CASE WHEN x.done AND c.won AND c.g % 10 < 8 AND x.close_at + interval '10 days' < ${nowIso}::timestamptz
                 THEN x.close_at + interval '10 days' END,
            c.manager_id, c.start_at, least(x.close_at, ${nowIso}::timestamptz)
          FROM cyc c, LATERAL (SELECT c.start_at + make_interval(days => c.len) AS close_at,
                                      c.start_at + make_interval(days => c.len) < ${nowIso}::timestamptz AS done) x
          WHERE c.start_at < ${nowIso}::timestamptz
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM ins)::int AS touches, (SELECT count(*) FROM dl)::int AS deals`)) as unknown as {
        rows: { touches: number; deals: number }[];
      };
      touchRows += Number(res.rows[0]?.touches ?? 0);
      dealRows += Number(res.rows[0]?.deals ?? 0);
      progress('touches', e, work);
    }
    for (let s = 0; s < cold; s += CHUNK * 5) {
      const e = Math.min(cold, s + CHUNK * 5);
      const res = (await ex.execute(sql`WITH ins AS (
          INSERT INTO touches (client_id, line_id, author_id, kind, direction, outcome, occurred_at, created_at, body)
          SELECT q.client_id, ${lineId}, ms.id, 'call', 'outbound',
            (ARRAY['not_reached','not_reached','refused','reached','other'])[1 + g % 5], at, at, 'Холодный звонок'
          FROM generate_series(${s + 1}::bigint, ${e}::bigint) g
          JOIN _demo_mslot ms ON ms.i = 1 + ${h(sql`g`, 31)} % ${nSlots}
          JOIN _demo_pool q ON q.i = 1 + ${h(sql`g`, 32)} % ${Math.max(pool, 1)}
          JOIN _demo_day d ON d.i = 1 + ${h(sql`g`, 33)} % ${nDays},
          LATERAL (SELECT least(d.day + make_interval(hours => (9 + ${h(sql`g`, 34)} % 9)::int), ${nowIso}::timestamptz - interval '1 hour') AS at) x
          WHERE ms.id IN (SELECT id FROM _demo_mgr WHERE hired_at < x.at)
          RETURNING 1)
        SELECT count(*)::int AS n FROM ins`)) as unknown as { rows: { n: number }[] };
      touchRows += Number(res.rows[0]?.n ?? 0);
      progress('touches', cycles + e, work);
    }
    for (const [i, def] of restore.entries()) {
      progress('indexes', i, restore.length);
      await ex.execute(sql.raw(def));
    }
    progress('indexes', restore.length, restore.length);
    restore = [];
    progress('analyze', 0, 1);
    await ex.execute(sql`ANALYZE`);
    progress('analyze', 1, 1);
    const [evN] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM ownership_events`);
    return ok({
      users: staff.slice(0, 4).map((p) => ({ email: p.email, role: p.role })),
      managers: plan.managers.length,
      clients: N,
      owned,
      events: Number(evN?.n ?? 0),
      touches: touchRows,
      deals: dealRows,
      password: opts.password,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    });
  } finally {
    for (const def of restore) await ex.execute(sql.raw(def)).catch(() => {});
    for (const t of TMP) await ex.execute(sql.raw(`DROP TABLE IF EXISTS ${t}`));
  }
}
