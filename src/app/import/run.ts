import { sql } from 'drizzle-orm';
import Papa from 'papaparse';
import {
  type FileGroup,
  groupSteps,
  type ImportUser,
  importIdentifiers,
  resolveOwner,
} from '../../core/import/group.ts';
import {
  applyOverrides,
  detectPreset,
  type Mapping,
  type PresetName,
  presetMapping,
} from '../../core/import/presets.ts';
import { type ImportIssue, type ImportRecord, rowToRecord } from '../../core/import/rows.ts';
import {
  type ClientSnapshot,
  type Identifier,
  type IdentifierRow,
  identifierFromRow,
} from '../../core/identity/identifiers.ts';
import { CLUSTER_SLICE } from '../../core/identity/cluster.ts';
import { rankCandidates, type ScoredCandidate, scoreCandidate } from '../../core/identity/match.ts';
import { type ReasonCode, reasonCodeOf } from '../../core/identity/reason-code.ts';
import {
  addressKey,
  nameTokens,
  normalizeOrgName,
  normalizePhone,
  normalizeEmail,
} from '../../core/identity/normalize.ts';
import { effectiveCap, protectionUntil } from '../../core/ownership/decide.ts';
import type { ManagerSnapshot, OwnershipEvent, Role } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Executor, Tx } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import type { AppContext } from '../context.ts';
import { identifiersOfClients, nameCandidates } from '../identity/candidates.ts';
import { reindexClients, writeIndex } from '../identity/reindex.ts';
import { runInSlices } from '../slices.ts';
import { inTransaction } from '../tx.ts';
import { insertOwnershipWithEvents, loadRules, type Rules } from '../use-cases/ownership-support.ts';
import { type ParsedFile, ParseError, parseImportFile } from './parse.ts';

/*
 * Import (C20), set-based: rows are normalised in JS, grouped within the file (core/import),
 * matched against the base one statement per batch (exact keys and exact normalised names joined
 * against client_identifiers; typo-tolerant name search per row only for small files), then written
 * with multi-row statements per batch (ids drawn from the sequences, the identifier index written
 * set-based, ledger events with reason IMPORTED in one statement per batch). Applying is one
 * transaction: a failure leaves the database as it was.
 */

export type ImportSettings = {
  preset?: PresetName | undefined;
  /** field → columns, over the preset (`--map`). */
  map?: Record<string, string[]> | undefined;
  /** The column that names the owner (e-mail or name), over the preset's. */
  ownerColumn?: string | undefined;
  /** A line by id or name (default line otherwise). */
  line?: string | undefined;
  /** `maybe` rows to import anyway as new clients: 'all' or row numbers. */
  confirmMaybe?: 'all' | number[] | undefined;
  /** A head's choice: assign owners even over their cap. */
  overCap?: boolean | undefined;
};

export type ImportActor = { id: number; role: Role };

export type Decision = 'create' | 'link' | 'maybe' | 'same_in_file' | 'error';

export type GroupDecision = {
  row: number;
  rows: number[];
  displayName: string;
  decision: Exclude<Decision, 'same_in_file' | 'error'>;
  /** link: the client; maybe: the best candidate; create: the new client (after applying). */
  clientId: number | null;
  clientName: string | null;
  score: number | null;
  /** Plain English (CLI, CSV report); the UI translates `reasonCodes` (same order). */
  reasons: string[];
  reasonCodes: ReasonCode[];
  confirmed: boolean;
  ownerId: number | null;
  ownerName: string | null;
  /** Why the client goes to the pool although an owner was named. */
  poolReason: 'UNKNOWN_OWNER' | 'AMBIGUOUS_OWNER' | 'OWNER_CANNOT_OWN' | 'OVER_CAP' | null;
};

export type ImportCounts = {
  rows: number;
  clients: number;
  created: number;
  linked: number;
  maybe: number;
  maybeConfirmed: number;
  sameInFile: number;
  errors: number;
  warnings: number;
  owned: number;
  pool: number;
  overCap: number;
};

export type ImportPlan = {
  fileName: string;
  format: ParsedFile['format'];
  encoding: ParsedFile['encoding'];
  separator: ParsedFile['separator'];
  preset: PresetName;
  headers: string[];
  mapping: Mapping;
  lineId: number;
  counts: ImportCounts;
  groups: GroupDecision[];
  issues: ImportIssue[];
  /** The first rows as read through the mapping (for the wizard's preview). */
  preview: { row: number; values: Record<string, string> }[];
  report: string;
};

export type ImportProgress = { phase: 'match' | 'write'; done: number; total: number };

const BATCH = 2000;
/** Up to this many rows, rows without an exact key are also searched by name words (typos); above, exact names only. */
export const FUZZY_NAME_ROWS = 2000;
const WEAK_PROBE = 5;
/** Groups scored between two turns of the event loop (a few milliseconds). */
const SCORE_SLICE = 50;
const NAME_KINDS: readonly string[] = ['display_name', 'legal_name', 'brand'];
const NAME_KINDS_SQL = sql.raw(`ARRAY['${NAME_KINDS.join("','")}']`);

type Internal = {
  group: FileGroup;
  ids: Identifier[];
  best: ScoredCandidate | null;
  candidateIds: Identifier[];
  decision: GroupDecision;
};

function bad(field: string, message: string) {
  return fail<never>('VALIDATION_FAILED', { field, issues: [{ path: field, message }] });
}

async function resolveLine(ex: Executor, line: string | undefined): Promise<Outcome<number | undefined>> {
  if (line === undefined || line === '') return ok(undefined);
  const found = await rows<{ id: number }>(
    ex,
    /^\d+$/.test(line)
      ? sql`SELECT id FROM lines WHERE id = ${Number(line)} AND active`
      : sql`SELECT id FROM lines WHERE lower(name) = lower(${line}) AND active`,
  );
  if (!found[0]) return fail('NOT_FOUND', { entity: 'line', field: 'line', line });
  return ok(found[0].id);
}

type ProbeKey = { k: string; v: string; l: number };

/**
 * The base-probe keys of a record's identifiers: one per (kind, value); a name is probed once across
 * the name kinds (client, legal entity, brand); a name or an address reads at most WEAK_PROBE
 * clients: namesakes and the other tenants of a business centre add cost, not evidence (the one that
 * is the same client is also found by its ИНН, phone or e-mail); a strong key (ИНН, ОГРН, phone,
 * e-mail, domain) reads up to 20.
 */
function probeKeys(ids: readonly Identifier[], into: Map<string, ProbeKey>): string[] {
  const mine: string[] = [];
  for (const id of ids) {
    if (id.kind === 'contact_name' || !id.value) continue;
    const isName = NAME_KINDS.includes(id.kind);
    const k = isName ? 'name' : id.kind;
    const key = `${k}|${id.value}`;
    if (!into.has(key))
      into.set(key, { k, v: id.value, l: isName || id.kind === 'address' ? WEAK_PROBE : 20 });
    if (!mine.includes(key)) mine.push(key);
  }
  return mine;
}

/** The base's clients per probe key, and every identifier of those clients. */
type BaseHits = {
  hits: Map<string, number[]>;
  byClient: Map<number, Identifier[]>;
  contactNames: Map<number, string>;
};

/** How many keys one probe statement carries. */
const PROBE_CHUNK = 16_000;

/**
 * Probe the base for these keys on client_identifiers (kind, value): per statement, the hits and every
 * identifier of the clients hit, one round trip; statements one after another (the caller may keep
 * computing meanwhile: each is sent on a turn of the event loop).
 */
async function probeBase(ex: Executor, keys: ProbeKey[], into?: BaseHits): Promise<BaseHits> {
  const out: BaseHits = into ?? { hits: new Map(), byClient: new Map(), contactNames: new Map() };
  for (let c = 0; c < keys.length; c += PROBE_CHUNK) {
    const chunk = keys.slice(c, c + PROBE_CHUNK);
    for (const k of chunk) out.hits.set(`${k.k}|${k.v}`, []);
    const doc = JSON.stringify(chunk.map((k, i) => ({ ...k, i })));
    // The keys in the index's order: consecutive probes read neighbouring pages (253 → 152 ms for
    // 15,000 keys against 100,000 clients).
    const found = await rows<IdentifierRow & { i: number | null }>(
      ex,
      sql`WITH hit AS MATERIALIZED (
            SELECT x.i, c.client_id
            FROM (SELECT * FROM json_to_recordset(${doc}::json) AS y(k text, v text, i int, l int) ORDER BY k, v) x
            CROSS JOIN LATERAL (
              SELECT ci.client_id FROM client_identifiers ci
              WHERE ci.kind = ANY (CASE WHEN x.k = 'name' THEN ${NAME_KINDS_SQL} ELSE ARRAY[x.k] END)
                AND ci.value = x.v LIMIT x.l) c)
          SELECT i, client_id, NULL AS kind, NULL AS value, NULL AS display, NULL AS source_type, NULL::int AS source_id FROM hit
          UNION ALL
          SELECT NULL, ci.client_id, ci.kind, ci.value, ci.display, ci.source_type, ci.source_id
          FROM client_identifiers ci WHERE ci.client_id IN (SELECT DISTINCT client_id FROM hit)`,
    );
    const fresh = new Set<number>();
    for (const r of found) {
      if (r.i !== null) {
        const k = chunk[r.i]!;
        out.hits.get(`${k.k}|${k.v}`)!.push(r.client_id);
        continue;
      }
      // A client hit by an earlier statement already has its identifiers.
      if (out.byClient.has(r.client_id) && !fresh.has(r.client_id)) continue;
      fresh.add(r.client_id);
      const list = out.byClient.get(r.client_id) ?? [];
      list.push(identifierFromRow(r));
      out.byClient.set(r.client_id, list);
      if (r.kind === 'contact_name') out.contactNames.set(r.source_id, r.display);
    }
  }
  return out;
}

/**
 * Probes the base while the file is still being read: each record's new keys are queued, and every
 * PROBE_CHUNK of them go out as one statement, one after another, while JavaScript goes on with the
 * next rows (the database and the normalisers work at once). The keys, and so the hits, are the
 * same as one probe of all keys after reading.
 */
class BaseProber {
  private readonly seen = new Map<string, ProbeKey>();
  private pending: ProbeKey[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly out: BaseHits = { hits: new Map(), byClient: new Map(), contactNames: new Map() };

  constructor(private readonly ex: Executor) {}

  add(ids: readonly Identifier[]): void {
    const mine = new Map<string, ProbeKey>();
    probeKeys(ids, mine);
    for (const [k, p] of mine)
      if (!this.seen.has(k)) {
        this.seen.set(k, p);
        this.pending.push(p);
      }
    if (this.pending.length >= PROBE_CHUNK) this.flush();
  }

  private flush(): void {
    const chunk = this.pending;
    this.pending = [];
    if (chunk.length === 0) return;
    this.chain = this.chain.then(() => probeBase(this.ex, chunk, this.out));
    // Awaited in done(); this only keeps a failure meanwhile from being an unhandled rejection.
    this.chain.catch(() => {});
  }

  async done(): Promise<BaseHits> {
    this.flush();
    await this.chain;
    return this.out;
  }
}

type BatchCandidates = {
  perGroup: Map<number, Set<number>>;
  byClient: Map<number, Identifier[]>;
  contactNames: Map<number, string>;
};

/** A batch's candidates from the probed base: the clients hit by any key of each record. */
function batchFromBase(batch: Internal[], base: BaseHits): BatchCandidates {
  const perGroup = new Map<number, Set<number>>();
  const keys = new Map<string, ProbeKey>();
  batch.forEach((g, i) => {
    for (const key of probeKeys(g.ids, keys))
      for (const c of base.hits.get(key) ?? []) {
        const set = perGroup.get(i) ?? new Set<number>();
        perGroup.set(i, set);
        set.add(c);
      }
  });
  return { perGroup, byClient: base.byClient, contactNames: base.contactNames };
}

/**
 * Candidates for a small file's batch (up to FUZZY_NAME_ROWS rows): the exact keys, and for a record
 * that none of them finds, its name words (typos) through the lookup's name search.
 */
async function fetchBatch(ex: Executor, batch: Internal[]): Promise<BatchCandidates> {
  const keys = new Map<string, ProbeKey>();
  const perKey = batch.map((g) => probeKeys(g.ids, keys));
  const base = await probeBase(ex, [...keys.values()]);
  const perGroup = new Map<number, Set<number>>();
  const hit = (i: number, clientId: number) => {
    const s = perGroup.get(i) ?? new Set<number>();
    perGroup.set(i, s);
    s.add(clientId);
  };
  perKey.forEach((ks, i) => {
    for (const k of ks) for (const c of base.hits.get(k) ?? []) hit(i, c);
  });
  for (let i = 0; i < batch.length; i++) {
    if (perGroup.has(i)) continue;
    const words = [
      ...new Set(
        batch[i]!.ids.filter((q) => q.kind !== 'contact_name' && q.tokens.length).flatMap((q) =>
          nameTokens(q.value),
        ),
      ),
    ];
    const named = await nameCandidates(ex, words, { lastIsPrefix: false, limit: 20 });
    for (const n of named) hit(i, n.clientId);
  }
  // The identifiers of clients found by name only (the key hits came with theirs).
  const named = [...new Set([...perGroup.values()].flatMap((s) => [...s]))].filter(
    (c) => !base.byClient.has(c),
  );
  if (named.length) {
    const ids = await identifiersOfClients(ex, named);
    for (const [c, list] of ids.byClient) base.byClient.set(c, list);
    for (const [k, name] of ids.contactNames) base.contactNames.set(k, name);
  }
  return { perGroup, byClient: base.byClient, contactNames: base.contactNames };
}

/**
 * Score a batch's candidates (the core): the best one per record, with its identifiers. Sliced (it
 * runs while the previous batch is being written, whose statements go out between the slices).
 */
function* scoreBatch(rules: Rules, batch: Internal[], found: BatchCandidates): Generator<void, void, void> {
  const { perGroup, byClient, contactNames } = found;
  for (let i = 0; i < batch.length; i++) {
    if (i % SCORE_SLICE === SCORE_SLICE - 1) yield;
    const g = batch[i]!;
    const ids = [...(perGroup.get(i) ?? [])];
    const ranked = rankCandidates(
      ids.map((id) =>
        scoreCandidate(rules.policy.policy.identity, g.ids, id, byClient.get(id) ?? [], contactNames),
      ),
    );
    g.best = ranked[0] ?? null;
    g.candidateIds = g.best ? (byClient.get(g.best.clientId) ?? []) : [];
  }
}

function emptyCounts(): ImportCounts {
  return {
    rows: 0,
    clients: 0,
    created: 0,
    linked: 0,
    maybe: 0,
    maybeConfirmed: 0,
    sameInFile: 0,
    errors: 0,
    warnings: 0,
    owned: 0,
    pool: 0,
    overCap: 0,
  };
}

type Owners = { users: ImportUser[]; snapshots: Map<number, ManagerSnapshot> };

async function loadOwners(ex: Executor): Promise<Owners> {
  const us = await rows<{
    id: number;
    name: string;
    email: string;
    role: Role;
    status: ManagerSnapshot['status'];
    hired_at: Date;
    cap_override: number | null;
  }>(ex, sql`SELECT id, name, email, role, status, hired_at, cap_override FROM users ORDER BY id`);
  const users = us.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, status: u.status }));
  const snapshots = new Map(
    us.map((u) => [
      u.id,
      {
        id: u.id,
        role: u.role,
        status: u.status,
        hiredAt: new Date(u.hired_at),
        capOverride: u.cap_override,
      },
    ]),
  );
  return { users, snapshots };
}

/** Lock the owners named in the file (id order) and count their bases after the locks (R-CAP-1). */
async function ownerBases(
  ex: Executor,
  rules: Rules,
  ownerIds: number[],
  lock: boolean,
): Promise<Map<number, number>> {
  const base = new Map<number, number>();
  if (ownerIds.length === 0) return base;
  const list = sql.join(
    ownerIds.map((id) => sql`${id}`),
    sql`, `,
  );
  if (lock) await ex.execute(sql`SELECT id FROM users WHERE id IN (${list}) ORDER BY id FOR NO KEY UPDATE`);
  const counted =
    rules.policy.policy.lines.mode === 'single_owner'
      ? await rows<{ owner_id: number; n: number | string }>(
          ex,
          sql`SELECT owner_id, count(DISTINCT client_id) AS n FROM ownership WHERE owner_id IN (${list}) GROUP BY owner_id`,
        )
      : await rows<{ owner_id: number; n: number | string }>(
          ex,
          sql`SELECT owner_id, count(*) AS n FROM ownership WHERE owner_id IN (${list}) AND line_id = ${rules.lineIds[0]!} GROUP BY owner_id`,
        );
  for (const id of ownerIds) base.set(id, 0);
  for (const c of counted) base.set(c.owner_id, Number(c.n));
  return base;
}

type Run = { plan: ImportPlan; internal: Internal[] };

/** What writing a batch needs besides its decisions. */
type WriteContext = { rules: Rules; owners: Map<number, ManagerSnapshot> };

/**
 * Read, map, group and match; decide links, maybes, owners and caps. Writes nothing itself: when
 * applying, `write` is handed each decided batch (in order, one at a time) while the next is decided.
 */
async function planImport(
  ex: Executor,
  now: Date,
  file: { name: string; bytes: Uint8Array },
  settings: ImportSettings,
  lock: boolean,
  onProgress?: (p: ImportProgress) => void,
  write?: (batch: Internal[], run: WriteContext, total: number) => Promise<void>,
): Promise<Outcome<Run>> {
  let parsed: ParsedFile;
  try {
    parsed = await parseImportFile(file.bytes, file.name);
  } catch (e) {
    if (e instanceof ParseError) return bad('file', e.message);
    throw e;
  }
  if (parsed.rows.length === 0) return bad('file', 'the file has a header row but no data rows');
  const preset = settings.preset ?? detectPreset(parsed.headers);
  const overrides: Record<string, string[]> = { ...(settings.map ?? {}) };
  if (settings.ownerColumn !== undefined) overrides.owner = [settings.ownerColumn];
  const { mapping, problems } = applyOverrides(
    presetMapping(preset, parsed.headers),
    overrides,
    parsed.headers,
  );
  if (problems.length) {
    const p = problems[0]!;
    return bad(
      settings.ownerColumn !== undefined && p.field === 'owner' ? 'ownerColumn' : 'map',
      p.reason === 'UNKNOWN_FIELD'
        ? `unknown field "${p.field}"`
        : `no column "${p.column}" in the file (columns: ${parsed.headers.join(', ')})`,
    );
  }
  if (!mapping.name && !mapping.company && !mapping.legalName && !mapping.brand)
    return bad(
      'map',
      `no column gives the client's name (is the first row a header? columns: ${parsed.headers.slice(0, 12).join(', ')}); map one with name=Column`,
    );
  const lineId = await resolveLine(ex, settings.line);
  if (!lineId.ok) return lineId;
  const rules = await loadRules(ex, lineId.value);
  if (!rules.ok) return rules;

  const issues: ImportIssue[] = [];
  const recs: ImportRecord[] = [];
  const perRecord: Identifier[][] = [];
  const fuzzy = parsed.rows.length <= FUZZY_NAME_ROWS;
  // A large file's keys are probed against the base while the file is still being read and then
  // grouped (the database and JavaScript work at once): a group's candidates are the clients hit by
  // any of its keys. A small file's batches are matched one by one, with a typo-tolerant name search.
  const prober = fuzzy ? null : new BaseProber(ex);
  // Each row's identifiers right after its record: the normalisers' bounded memos still hold what
  // the record just normalised (in two passes over 100,000 rows every phone was parsed twice: the
  // identifiers' share of libphonenumber went from 3.5 s to 0.5 s). In
  // slices, resumed on each turn of the event loop: a server reading a large file keeps answering.
  await runInSlices(
    (function* () {
      let n = 0;
      for (const r of parsed.rows) {
        if (++n % CLUSTER_SLICE === 0) yield;
        const out = rowToRecord(r.row, r.values, mapping);
        for (const i of out.issues) issues.push(i);
        if (out.record) {
          const ids = importIdentifiers(out.record);
          recs.push(out.record);
          perRecord.push(ids);
          prober?.add(ids);
        }
      }
    })(),
  );
  const probing = prober?.done() ?? null;
  // Awaited below; this only keeps a failure meanwhile from being an unhandled rejection.
  probing?.catch(() => {});
  // The owners named in the file, resolved once per spelling: their bases are counted (and, when
  // applying, locked) while the file is grouped, before any batch is decided. A group's owner is one
  // of its rows' owners; a row that ends up linked rather than created keeps its client's owner, so
  // some of them may go unused.
  const resolvedOwners = new Map<string, ReturnType<typeof resolveOwner>>();
  const counting = loadOwners(ex).then(async (owners) => {
    for (const r of recs)
      if (r.owner !== null && !resolvedOwners.has(r.owner.value))
        resolvedOwners.set(r.owner.value, resolveOwner(r.owner.value, owners.users));
    const named = [...new Set([...resolvedOwners.values()].flatMap((r) => (r.ok ? [r.userId] : [])))];
    const base = await ownerBases(
      ex,
      rules.value,
      named.sort((a, b) => a - b),
      lock,
    );
    return { owners, base };
  });
  // Awaited below; this only keeps a failure meanwhile from being an unhandled rejection.
  counting.catch(() => {});
  const groups = await runInSlices(groupSteps(recs, rules.value.policy.policy.identity, perRecord));
  // The probe's statements went out before the owners' queries: if it failed (which aborts the
  // transaction), its error is the one to report.
  const probed = probing ? await probing : null;
  const { owners, base } = await counting;
  const userName = new Map(owners.users.map((u) => [u.id, u.name]));
  const internal: Internal[] = groups.map((g) => ({
    group: g,
    ids: g.identifiers,
    best: null,
    candidateIds: [],
    decision: {
      row: g.leader,
      rows: g.rows,
      displayName: g.record.displayName,
      decision: 'create',
      clientId: null,
      clientName: null,
      score: null,
      reasons: [],
      reasonCodes: [],
      confirmed: false,
      ownerId: null,
      ownerName: null,
      poolReason: null,
    },
  }));
  const batches: Internal[][] = [];
  for (let k = 0; k < internal.length; k += BATCH) batches.push(internal.slice(k, k + BATCH));
  let baseHits: BaseHits | null = null;
  if (probed) {
    baseHits = probed;
    // A merged group's keys are its rows' keys; any other is probed now (none expected).
    const missing = new Map<string, ProbeKey>();
    for (const g of internal) {
      const mine = new Map<string, ProbeKey>();
      probeKeys(g.ids, mine);
      for (const [k, p] of mine) if (!baseHits.hits.has(k)) missing.set(k, p);
    }
    if (missing.size) await probeBase(ex, [...missing.values()], baseHits);
  }
  const confirm = settings.confirmMaybe;
  const confirmed = (g: GroupDecision) =>
    confirm === 'all' || (Array.isArray(confirm) && g.rows.some((r) => confirm.includes(r)));
  const namesOf = async (ids: number[]) => {
    const m = new Map<number, string>();
    for (let k = 0; k < ids.length; k += 5000) {
      const chunk = ids.slice(k, k + 5000);
      const found = await rows<{ id: number; display_name: string }>(
        ex,
        sql`SELECT id, display_name FROM clients WHERE id IN (${sql.join(
          chunk.map((c) => sql`${c}`),
          sql`, `,
        )})`,
      );
      for (const f of found) m.set(f.id, f.display_name);
    }
    return m;
  };
  // Owner problems are reported after the rows' own, unknown owners before caps (as in the report).
  const ownerIssues: ImportIssue[] = [];
  const capIssues: ImportIssue[] = [];
  const decideBatch = async (batch: Internal[]) => {
    // A candidate's name is its display-name identifier (indexed in the same transaction as every
    // write); the database is asked only for a client without one (a name that normalises to nothing).
    const clientNames = new Map<number, string>();
    const unnamed = new Set<number>();
    for (const g of batch) {
      if (!g.best) continue;
      const own = g.candidateIds.find((i) => i.kind === 'display_name');
      if (own) clientNames.set(g.best.clientId, own.display);
      else unnamed.add(g.best.clientId);
    }
    for (const [id, name] of await namesOf([...unnamed])) clientNames.set(id, name);
    for (const g of batch) {
      const d = g.decision;
      if (!g.best) continue;
      d.clientId = g.best.clientId;
      d.clientName = clientNames.get(g.best.clientId) ?? null;
      d.score = Math.round(g.best.score * 1000) / 1000;
      d.reasons = g.best.reasons.map((r) => r.text);
      d.reasonCodes = g.best.reasons.map(reasonCodeOf);
      if (g.best.outcome === 'same') d.decision = 'link';
      else if (g.best.outcome === 'maybe') {
        d.decision = 'maybe';
        d.confirmed = confirmed(d);
      }
    }
    // Owners of new clients (linked clients keep theirs): named in the file, within their caps, in
    // file order.
    for (const g of batch) {
      const d = g.decision;
      const wants = d.decision === 'create' || (d.decision === 'maybe' && d.confirmed);
      const owner = g.group.record.owner;
      if (!wants || owner === null) continue;
      const r = resolvedOwners.get(owner.value) ?? resolveOwner(owner.value, owners.users);
      if (!r.ok) {
        d.poolReason = r.reason;
        ownerIssues.push({
          row: g.group.leader,
          column: owner.column,
          reason: r.reason,
          value: owner.value,
          severity: 'warning',
        });
        continue;
      }
      const { cap } = effectiveCap(rules.value.policy.policy, owners.snapshots.get(r.userId)!, now);
      const count = base.get(r.userId) ?? 0;
      if (count + 1 > cap && !settings.overCap) {
        d.poolReason = 'OVER_CAP';
        capIssues.push({
          row: g.group.leader,
          column: owner.column,
          reason: 'OVER_CAP',
          value: owner.value,
          severity: 'warning',
        });
        continue;
      }
      base.set(r.userId, count + 1);
      d.ownerId = r.userId;
      d.ownerName = userName.get(r.userId) ?? null;
    }
  };
  // Batch by batch: match, score and decide one while the previous one is being written (when
  // applying): scoring is JavaScript, writing is the database's work, and they overlap. Every
  // candidate of a large file was probed before the first write, so what is written cannot change
  // what is matched. A small file's batches query the base as they go (their typo-tolerant name
  // search would also see the file's own new clients), so they are written after all are decided.
  const ctxOfWrite: WriteContext = { rules: rules.value, owners: owners.snapshots };
  let writing = null as Promise<void> | null;
  const deferred: Internal[][] = [];
  // A small file: the next batch's candidates are fetched while this one is scored.
  let next: Promise<BatchCandidates> | null = !baseHits && batches[0] ? fetchBatch(ex, batches[0]) : null;
  try {
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      let found: BatchCandidates;
      if (baseHits) found = batchFromBase(batch, baseHits);
      else {
        found = await next!;
        next = batches[b + 1] ? fetchBatch(ex, batches[b + 1]!) : null;
        // Awaited on the next turn; this only keeps a failure meanwhile from being an unhandled rejection.
        next?.catch(() => {});
      }
      await runInSlices(scoreBatch(rules.value, batch, found));
      onProgress?.({
        phase: 'match',
        done: Math.min((b + 1) * BATCH, internal.length),
        total: internal.length,
      });
      await decideBatch(batch);
      if (!write) continue;
      if (!baseHits) {
        deferred.push(batch);
        continue;
      }
      if (writing) await writing;
      writing = write(batch, ctxOfWrite, internal.length);
      // Awaited before the next batch is handed over; this only keeps a failure meanwhile from being
      // an unhandled rejection.
      writing.catch(() => {});
    }
    if (writing) await writing;
  } catch (e) {
    // A failed write aborts the transaction, and the next batch's query (if any) then fails with
    // "current transaction is aborted": report the write's own error.
    if (writing) await writing;
    throw e;
  }
  for (const batch of deferred) await write!(batch, ctxOfWrite, internal.length);
  issues.push(...ownerIssues, ...capIssues);

  const counts = emptyCounts();
  counts.rows = parsed.rows.length;
  counts.clients = internal.length;
  for (const g of internal) {
    const d = g.decision;
    counts.sameInFile += d.rows.length - 1;
    if (d.decision === 'create') counts.created++;
    else if (d.decision === 'link') counts.linked++;
    else if (d.confirmed) {
      counts.maybeConfirmed++;
      counts.created++;
    } else counts.maybe++;
    if (d.decision === 'create' || d.confirmed) {
      if (d.ownerId !== null) counts.owned++;
      else counts.pool++;
    }
    if (d.poolReason === 'OVER_CAP') counts.overCap++;
  }
  counts.errors = issues.filter((i) => i.severity === 'error').length;
  counts.warnings = issues.filter((i) => i.severity === 'warning').length;

  const plan: ImportPlan = {
    fileName: file.name,
    format: parsed.format,
    encoding: parsed.encoding,
    separator: parsed.separator,
    preset,
    headers: parsed.headers,
    mapping,
    lineId: rules.value.lineIds[0]!,
    counts,
    groups: internal.map((g) => g.decision),
    issues,
    preview: parsed.rows.slice(0, 20),
    report: '',
  };
  plan.report = reportCsv(
    plan,
    parsed.rows.map((r) => r.row),
  );
  return ok({ plan, internal });
}

/** The report: one line per row (its decision) and one per problem (row, column, reason). */
export function reportCsv(plan: Pick<ImportPlan, 'groups' | 'issues'>, allRows: number[]): string {
  const byRow = new Map<number, { decision: string; client: string; detail: string }>();
  for (const g of plan.groups) {
    const owner =
      g.decision === 'create' || g.confirmed
        ? g.ownerId !== null
          ? `owner: ${g.ownerName ?? g.ownerId}`
          : `pool${g.poolReason ? ` (${g.poolReason})` : ''}`
        : '';
    const main =
      g.decision === 'create'
        ? 'created'
        : g.decision === 'link'
          ? `linked to client ${g.clientId}`
          : g.confirmed
            ? 'created (maybe confirmed)'
            : `maybe: client ${g.clientId}, not imported`;
    const client =
      g.decision === 'create' || g.confirmed
        ? g.clientId === null
          ? ''
          : String(g.clientId)
        : String(g.clientId ?? '');
    const detail = [owner, g.reasons.join('; ')].filter(Boolean).join('; ');
    byRow.set(g.row, {
      decision: main,
      client: g.decision === 'maybe' && !g.confirmed ? '' : client,
      detail,
    });
    for (const r of g.rows.slice(1))
      byRow.set(r, { decision: `same as row ${g.row}`, client: client, detail: '' });
  }
  const lines: (string | number)[][] = [];
  const issuesByRow = new Map<number, ImportIssue[]>();
  for (const i of plan.issues) {
    const list = issuesByRow.get(i.row) ?? [];
    issuesByRow.set(i.row, list);
    list.push(i);
  }
  for (const r of allRows) {
    const d = byRow.get(r);
    lines.push([r, '', '', d?.decision ?? 'error', d?.client ?? '', d?.detail ?? '']);
    for (const i of issuesByRow.get(r) ?? [])
      lines.push([
        r,
        i.column,
        i.reason,
        i.severity === 'error'
          ? 'error'
          : d?.decision.startsWith('maybe')
            ? 'maybe'
            : i.reason === 'OVER_CAP' || i.reason.endsWith('OWNER') || i.reason === 'OWNER_CANNOT_OWN'
              ? 'pool'
              : 'value skipped',
        d?.client ?? '',
        i.value,
      ]);
  }
  return `\uFEFF${Papa.unparse({ fields: ['row', 'column', 'reason', 'decision', 'client_id', 'detail'], data: lines }, { delimiter: ';' })}`;
}

// ─── writing ────────────────────────────────────────────────────────────────

async function nextIds(tx: Tx, table: string, n: number): Promise<number[]> {
  if (n === 0) return [];
  const got = await rows<{ id: number | string }>(
    tx,
    // The sequence resolved once (an InitPlan), not per row: 116 ms → 21 ms for 20,000 ids.
    sql`SELECT nextval((SELECT pg_get_serial_sequence(${table}, 'id'))::regclass) AS id FROM generate_series(1, ${n})`,
  );
  return got.map((r) => Number(r.id));
}

type Parts = Pick<ImportRecord, 'legalEntities' | 'brands' | 'contacts' | 'addresses'>;

/** Insert the parts of many clients, multi-row; returns them with their ids (for the index). */
async function insertParts(
  tx: Tx,
  items: { clientId: number; parts: Parts }[],
  actorId: number,
  now: Date,
): Promise<Map<number, Omit<ClientSnapshot, 'id' | 'displayName'>>> {
  const at = now.toISOString();
  const le = items.flatMap((x) => x.parts.legalEntities.map((e) => ({ c: x.clientId, ...e })));
  const br = items.flatMap((x) => x.parts.brands.map((b) => ({ c: x.clientId, ...b })));
  const co = items.flatMap((x) => x.parts.contacts.map((k) => ({ c: x.clientId, ...k })));
  const ad = items.flatMap((x) => x.parts.addresses.map((a) => ({ c: x.clientId, ...a })));
  const [leIds, brIds, coIds, adIds] = [
    await nextIds(tx, 'legal_entities', le.length),
    await nextIds(tx, 'brands', br.length),
    await nextIds(tx, 'contacts', co.length),
    await nextIds(tx, 'addresses', ad.length),
  ];
  const snap = new Map<number, Omit<ClientSnapshot, 'id' | 'displayName'>>();
  const of = (c: number) => {
    let s = snap.get(c);
    if (!s) {
      s = { legalEntities: [], brands: [], contacts: [], addresses: [] };
      snap.set(c, s);
    }
    return s;
  };
  if (le.length) {
    const doc = le.map((e, i) => ({
      id: leIds[i],
      c: e.c,
      name: e.name,
      f: e.legalForm,
      inn: e.inn,
      kpp: e.kpp,
      ogrn: e.ogrn,
    }));
    await tx.execute(sql`INSERT INTO legal_entities (id, client_id, name, legal_form, inn, kpp, ogrn, created_by, created_at)
      OVERRIDING SYSTEM VALUE
      SELECT x.id, x.c, x.name, x.f, x.inn, x.kpp, x.ogrn, ${actorId}, ${at}::timestamptz
      FROM json_to_recordset(${JSON.stringify(doc)}::json) AS x(id int, c int, name text, f text, inn text, kpp text, ogrn text)`);
    for (let i = 0; i < le.length; i++) {
      const e = le[i]!;
      of(e.c).legalEntities.push({ id: leIds[i]!, name: e.name, inn: e.inn, ogrn: e.ogrn });
    }
  }
  if (br.length) {
    const doc = br.map((b, i) => ({ id: brIds[i], c: b.c, name: b.name }));
    await tx.execute(sql`INSERT INTO brands (id, client_id, name, created_by, created_at) OVERRIDING SYSTEM VALUE
      SELECT x.id, x.c, x.name, ${actorId}, ${at}::timestamptz FROM json_to_recordset(${JSON.stringify(doc)}::json) AS x(id int, c int, name text)`);
    for (let i = 0; i < br.length; i++) {
      const b = br[i]!;
      of(b.c).brands.push({ id: brIds[i]!, name: b.name });
    }
  }
  if (co.length) {
    const doc = co.map((k, i) => ({
      id: coIds[i],
      c: k.c,
      name: k.name,
      p: k.position,
      ph: k.phones,
      em: k.emails,
    }));
    await tx.execute(sql`INSERT INTO contacts (id, client_id, name, position, phones, emails, created_by, created_at)
      OVERRIDING SYSTEM VALUE
      SELECT x.id, x.c, x.name, x.p, ARRAY(SELECT json_array_elements_text(x.ph)), ARRAY(SELECT json_array_elements_text(x.em)),
             ${actorId}, ${at}::timestamptz
      FROM json_to_recordset(${JSON.stringify(doc)}::json) AS x(id int, c int, name text, p text, ph json, em json)`);
    for (let i = 0; i < co.length; i++) {
      const k = co[i]!;
      of(k.c).contacts.push({ id: coIds[i]!, name: k.name, phones: k.phones, emails: k.emails });
    }
  }
  if (ad.length) {
    const doc = ad.map((a, i) => ({ id: adIds[i], c: a.c, k: a.kind, a: a.address, city: a.city }));
    await tx.execute(sql`INSERT INTO addresses (id, client_id, kind, address, city, created_by, created_at) OVERRIDING SYSTEM VALUE
      SELECT x.id, x.c, x.k, x.a, x.city, ${actorId}, ${at}::timestamptz
      FROM json_to_recordset(${JSON.stringify(doc)}::json) AS x(id int, c int, k text, a text, city text)`);
    for (let i = 0; i < ad.length; i++) {
      const a = ad[i]!;
      of(a.c).addresses.push({ id: adIds[i]!, address: a.address, city: a.city });
    }
  }
  return snap;
}

/** The parts of a row that a linked client does not have yet (a new ИНН, phone, e-mail, brand, address). */
function missingParts(rec: ImportRecord, existing: Identifier[]): Parts {
  const have = new Set(existing.map((i) => `${i.kind}|${i.value}`));
  const names = new Set(
    existing.filter((i) => ['display_name', 'legal_name', 'brand'].includes(i.kind)).map((i) => i.value),
  );
  return {
    legalEntities: rec.legalEntities.filter((e) => e.inn && !have.has(`inn|${e.inn}`)),
    brands: rec.brands.filter((b) => !names.has(normalizeOrgName(b.name))),
    contacts: rec.contacts.filter(
      (c) =>
        c.phones.some((p) => {
          const n = normalizePhone(p);
          return n.ok && !have.has(`phone|${n.e164}`);
        }) ||
        c.emails.some((m) => {
          const n = normalizeEmail(m);
          return n.ok && !have.has(`email|${n.email}`);
        }),
    ),
    addresses: rec.addresses.filter(
      (a) =>
        !have.has(
          `address|${addressKey(a.city && !a.address.toLowerCase().includes(a.city.toLowerCase()) ? `${a.city}, ${a.address}` : a.address)}`,
        ),
    ),
  };
}

async function writeBatch(
  tx: Tx,
  run: WriteContext,
  batch: Internal[],
  ctx: { importId: number; actor: ImportActor; now: Date },
): Promise<void> {
  const { now, actor, importId } = ctx;
  const at = now.toISOString();
  const creating = batch.filter(
    (g) => g.decision.decision === 'create' || (g.decision.decision === 'maybe' && g.decision.confirmed),
  );
  const linking = batch.filter((g) => g.decision.decision === 'link');
  if (creating.length) {
    const ids = await nextIds(tx, 'clients', creating.length);
    creating.forEach((g, i) => {
      g.decision.clientId = ids[i]!;
      g.decision.clientName = g.group.record.displayName;
    });
    const doc = creating.map((g) => ({
      id: g.decision.clientId,
      n: g.group.record.displayName,
      notes: g.group.record.notes,
    }));
    await tx.execute(sql`INSERT INTO clients (id, display_name, notes, created_by, created_at, updated_at) OVERRIDING SYSTEM VALUE
      SELECT x.id, x.n, x.notes, ${actor.id}, ${at}::timestamptz, ${at}::timestamptz
      FROM json_to_recordset(${JSON.stringify(doc)}::json) AS x(id int, n text, notes text)`);
    const parts = await insertParts(
      tx,
      creating.map((g) => ({ clientId: g.decision.clientId!, parts: g.group.record })),
      actor.id,
      now,
    );
    await writeIndex(
      tx,
      [],
      creating.map((g) => {
        // The identifiers computed for matching, their source positions turned into the new rows' ids.
        const clientId = g.decision.clientId!;
        const p = parts.get(clientId) ?? { legalEntities: [], brands: [], contacts: [], addresses: [] };
        const idOf: Record<string, { id: number }[]> = {
          legal_entity: p.legalEntities,
          brand: p.brands,
          contact: p.contacts,
          address: p.addresses,
        };
        return {
          clientId,
          identifiers: g.ids.map((i) => ({
            ...i,
            sourceId: i.sourceType === 'client' ? clientId : idOf[i.sourceType]![i.sourceId]!.id,
          })),
        };
      }),
      { fresh: true },
    );
    const events: OwnershipEvent[] = [];
    for (const g of creating) {
      const ownerId = g.decision.ownerId;
      if (ownerId === null) continue;
      for (const lineId of run.rules.lineIds)
        events.push({
          type: 'ClientClaimed',
          clientId: g.decision.clientId!,
          lineId,
          fromManagerId: null,
          toManagerId: ownerId,
          actor: `user:${actor.id}`,
          reasonCode: 'IMPORTED',
          rule: 'R-IMPORT-1',
          policyVersion: run.rules.policy.version,
          occurredAt: now,
          protectedUntil: protectionUntil(run.rules.policy.policy, run.owners.get(ownerId)!, now),
          details: { importId, row: g.group.leader },
        });
    }
    // The ownership rows, owned ones written with their claims (IMPORTED) in the same statement.
    await insertOwnershipWithEvents(
      tx,
      creating.map((g) => g.decision.clientId!),
      now,
      events,
    );
  }
  if (linking.length) {
    const items = linking
      .map((g) => ({ clientId: g.decision.clientId!, parts: missingParts(g.group.record, g.candidateIds) }))
      .filter(
        (x) =>
          x.parts.legalEntities.length +
            x.parts.brands.length +
            x.parts.contacts.length +
            x.parts.addresses.length >
          0,
      );
    if (items.length) {
      await insertParts(tx, items, actor.id, now);
      await reindexClients(
        tx,
        items.map((x) => x.clientId),
      );
    }
  }
}

// ─── use cases ──────────────────────────────────────────────────────────────

export type ImportFile = { name: string; bytes: Uint8Array };

function mayImport(actor: ImportActor): Outcome<null> {
  if (actor.role === 'manager')
    return fail('FORBIDDEN', { action: 'import', reason: 'heads of sales and admins import' });
  return ok(null);
}

function summaryOf(plan: ImportPlan) {
  const held = plan.groups.filter((g) => g.decision !== 'create');
  const rest = plan.groups.filter((g) => g.decision === 'create').slice(0, 200);
  return {
    format: plan.format,
    encoding: plan.encoding,
    separator: plan.separator,
    headers: plan.headers,
    preview: plan.preview,
    groups: [...held.slice(0, 1000), ...rest].sort((a, b) => a.row - b.row),
    issues: plan.issues.slice(0, 1000),
  };
}

export type ImportView = {
  id: number;
  status: 'dry_run' | 'applied' | 'failed';
  plan: ImportPlan;
};

/** Dry run: parse, map, match and decide; store the import (status dry_run) with its report. */
export async function previewImport(
  ctx: AppContext,
  cmd: {
    actor: ImportActor;
    file: ImportFile;
    settings: ImportSettings;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<Outcome<ImportView>> {
  const allowed = mayImport(cmd.actor);
  if (!allowed.ok) return allowed;
  const now = ctx.clock();
  const run = await planImport(ctx.db, now, cmd.file, cmd.settings, false, cmd.onProgress);
  if (!run.ok) return run;
  const p = run.value.plan;
  const [row] = await rows<{ id: number }>(
    ctx.db,
    sql`INSERT INTO imports (file_name, preset, mapping, options, actor_id, line_id, created_at, status, counts, summary, report, file_base64)
        VALUES (${cmd.file.name}, ${p.preset}, ${JSON.stringify(p.mapping)}::jsonb, ${JSON.stringify(cmd.settings)}::jsonb,
                ${cmd.actor.id}, ${p.lineId}, ${now.toISOString()}, 'dry_run', ${JSON.stringify(p.counts)}::jsonb,
                ${JSON.stringify(summaryOf(p))}::jsonb, ${p.report}, ${Buffer.from(cmd.file.bytes).toString('base64')})
        RETURNING id`,
  );
  return ok({ id: row!.id, status: 'dry_run', plan: p });
}

async function applyIn(
  tx: Tx,
  now: Date,
  /** The import's row; the one-step import inserts it while the file is read. */
  importIdOf: Promise<number>,
  cmd: {
    actor: ImportActor;
    file: ImportFile;
    settings: ImportSettings;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<Outcome<ImportPlan>> {
  let written = 0;
  const run = await planImport(
    tx,
    now,
    cmd.file,
    cmd.settings,
    true,
    cmd.onProgress,
    async (batch, ctx, total) => {
      await writeBatch(tx, ctx, batch, { importId: await importIdOf, actor: cmd.actor, now });
      written += batch.length;
      cmd.onProgress?.({ phase: 'write', done: written, total });
    },
  );
  const importId = await importIdOf;
  if (!run.ok) return run;
  const { plan } = run.value;
  plan.report = reportCsv(
    plan,
    [...new Set([...plan.groups.flatMap((g) => g.rows), ...plan.issues.map((i) => i.row)])].sort(
      (a, b) => a - b,
    ),
  );
  await tx.execute(sql`UPDATE imports SET status = 'applied', applied_at = ${now.toISOString()}, preset = ${plan.preset},
      mapping = ${JSON.stringify(plan.mapping)}::jsonb, options = ${JSON.stringify(cmd.settings)}::jsonb, line_id = ${plan.lineId},
      counts = ${JSON.stringify(plan.counts)}::jsonb, summary = ${JSON.stringify(summaryOf(plan))}::jsonb, report = ${plan.report}, error = NULL
      WHERE id = ${importId}`);
  return ok(plan);
}

/** The database's own words when a query failed (drizzle wraps them with the whole statement). */
function errorText(e: unknown): string {
  const err = e as Error & { cause?: Error };
  return (err.cause?.message ?? err.message).slice(0, 1000);
}

async function markFailed(ctx: AppContext, importId: number, e: unknown): Promise<void> {
  await ctx.db.execute(
    sql`UPDATE imports SET status = 'failed', error = ${errorText(e)} WHERE id = ${importId}`,
  );
}

/** Apply a stored dry run (the wizard): all or nothing; a crash marks the import failed and writes nothing else. */
export async function applyImport(
  ctx: AppContext,
  cmd: {
    actor: ImportActor;
    importId: number;
    settings?: ImportSettings;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<Outcome<ImportView>> {
  const allowed = mayImport(cmd.actor);
  if (!allowed.ok) return allowed;
  const [imp] = await rows<{
    id: number;
    status: string;
    file_name: string;
    file_base64: string;
    options: ImportSettings;
  }>(ctx.db, sql`SELECT id, status, file_name, file_base64, options FROM imports WHERE id = ${cmd.importId}`);
  if (!imp) return fail('NOT_FOUND', { entity: 'import', importId: cmd.importId });
  if (imp.status === 'applied')
    return fail('CONFLICT', { field: 'importId', reason: 'this import is already applied' });
  const settings = { ...imp.options, ...(cmd.settings ?? {}) };
  const file = { name: imp.file_name, bytes: Buffer.from(imp.file_base64, 'base64') };
  const now = ctx.clock();
  try {
    const out = await inTransaction(ctx.db, (tx) =>
      applyIn(tx, now, Promise.resolve(imp.id), { ...cmd, file, settings }),
    );
    if (!out.ok) return out;
    return ok({ id: imp.id, status: 'applied', plan: out.value });
  } catch (e) {
    await markFailed(ctx, imp.id, e);
    throw e;
  }
}

/**
 * The CLI's one-step import: dry run only (stored as such), or parse and apply in one transaction
 * (the import row is written in it, so a failure leaves only a `failed` import row behind).
 */
export async function runImport(
  ctx: AppContext,
  cmd: {
    actor: ImportActor;
    file: ImportFile;
    settings: ImportSettings;
    dryRun: boolean;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<Outcome<ImportView>> {
  if (cmd.dryRun) return previewImport(ctx, cmd);
  const allowed = mayImport(cmd.actor);
  if (!allowed.ok) return allowed;
  const now = ctx.clock();
  const insertRow = async (ex: Executor, status: string, error: string | null) => {
    const [row] = await rows<{ id: number }>(
      ex,
      sql`INSERT INTO imports (file_name, preset, mapping, options, actor_id, created_at, status, error, file_base64)
          VALUES (${cmd.file.name}, ${cmd.settings.preset ?? 'auto'}, '{}'::jsonb, ${JSON.stringify(cmd.settings)}::jsonb,
                  ${cmd.actor.id}, ${now.toISOString()}, ${status}, ${error}, ${Buffer.from(cmd.file.bytes).toString('base64')})
          RETURNING id`,
    );
    return row!.id;
  };
  let importId = 0;
  try {
    const out = await inTransaction(ctx.db, async (tx) => {
      // The import's row (it carries the whole file) is written while the file is being read.
      const inserted = insertRow(tx, 'dry_run', null);
      inserted.then(
        (id) => {
          importId = id;
        },
        () => {},
      );
      return applyIn(tx, now, inserted, cmd);
    });
    if (!out.ok) return out;
    return ok({ id: importId, status: 'applied', plan: out.value });
  } catch (e) {
    await insertRow(ctx.db, 'failed', errorText(e));
    throw e;
  }
}

export type ImportListItem = {
  id: number;
  fileName: string;
  preset: string;
  status: 'dry_run' | 'applied' | 'failed';
  actorId: number;
  actorName: string | null;
  createdAt: string;
  appliedAt: string | null;
  counts: Partial<ImportCounts>;
  error: string | null;
};

/**
 * Past imports, newest first. `previews: false` leaves out the dry runs (every web upload stores one);
 * the CLI lists them all, the API only when asked (`?previews=1`).
 */
export async function listImports(
  ex: Executor,
  limit = 100,
  opts: { previews?: boolean } = {},
): Promise<ImportListItem[]> {
  const found = await rows<{
    id: number;
    file_name: string;
    preset: string;
    status: ImportListItem['status'];
    actor_id: number;
    actor_name: string | null;
    created_at: Date | string;
    applied_at: Date | string | null;
    counts: Partial<ImportCounts>;
    error: string | null;
  }>(
    ex,
    sql`SELECT i.id, i.file_name, i.preset, i.status, i.actor_id, u.name AS actor_name, i.created_at, i.applied_at, i.counts, i.error
        FROM imports i LEFT JOIN users u ON u.id = i.actor_id
        ${opts.previews === false ? sql`WHERE i.status <> 'dry_run'` : sql``}
        ORDER BY i.id DESC LIMIT ${limit}`,
  );
  return found.map((r) => ({
    id: r.id,
    fileName: r.file_name,
    preset: r.preset,
    status: r.status,
    actorId: r.actor_id,
    actorName: r.actor_name,
    createdAt: new Date(r.created_at).toISOString(),
    appliedAt: r.applied_at ? new Date(r.applied_at).toISOString() : null,
    counts: r.counts,
    error: r.error,
  }));
}

export type ImportDetail = ImportListItem & {
  mapping: Record<string, string[]>;
  options: Record<string, unknown>;
  lineId: number | null;
  summary: ReturnType<typeof summaryOf> | Record<string, never>;
};

export async function getImport(
  ex: Executor,
  id: number,
): Promise<Outcome<ImportDetail & { report: string }>> {
  const [r] = await rows<{
    id: number;
    file_name: string;
    preset: string;
    status: ImportListItem['status'];
    actor_id: number;
    actor_name: string | null;
    created_at: Date | string;
    applied_at: Date | string | null;
    counts: Partial<ImportCounts>;
    error: string | null;
    mapping: Record<string, string[]>;
    options: Record<string, unknown>;
    line_id: number | null;
    summary: ImportDetail['summary'];
    report: string;
  }>(
    ex,
    sql`SELECT i.id, i.file_name, i.preset, i.status, i.actor_id, u.name AS actor_name, i.created_at, i.applied_at, i.counts,
               i.error, i.mapping, i.options, i.line_id, i.summary, i.report
        FROM imports i LEFT JOIN users u ON u.id = i.actor_id WHERE i.id = ${id}`,
  );
  if (!r) return fail('NOT_FOUND', { entity: 'import', importId: id });
  return ok({
    id: r.id,
    fileName: r.file_name,
    preset: r.preset,
    status: r.status,
    actorId: r.actor_id,
    actorName: r.actor_name,
    createdAt: new Date(r.created_at).toISOString(),
    appliedAt: r.applied_at ? new Date(r.applied_at).toISOString() : null,
    counts: r.counts,
    error: r.error,
    mapping: r.mapping,
    options: r.options,
    lineId: r.line_id,
    summary: r.summary,
    report: r.report,
  });
}
