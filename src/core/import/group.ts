import { CLUSTER_SLICE, clusterSteps } from '../identity/cluster.ts';
import { type Identifier, identifiersOf } from '../identity/identifiers.ts';
import { normalizeOrgName } from '../identity/normalize.ts';
import type { Role, UserStatus } from '../ownership/types.ts';
import type { IdentityRules } from '../policy/policy.ts';
import { type ImportRecord, mergeRecords } from './rows.ts';

/** A record's identifiers, normalised exactly as stored ones are (source ids are positions). */
export function importIdentifiers(r: Omit<ImportRecord, 'row' | 'kind' | 'owner' | 'notes'>): Identifier[] {
  return identifiersOf({
    id: 0,
    displayName: r.displayName,
    legalEntities: r.legalEntities.map((e, i) => ({ id: i, name: e.name, inn: e.inn, ogrn: e.ogrn })),
    brands: r.brands.map((b, i) => ({ id: i, name: b.name })),
    contacts: r.contacts.map((c, i) => ({ id: i, name: c.name, phones: c.phones, emails: c.emails })),
    addresses: r.addresses.map((a, i) => ({ id: i, address: a.address, city: a.city })),
  });
}

/** A deep copy of a record (what structuredClone gives, without its cost). */
function cloneRecord(r: ImportRecord): ImportRecord {
  return {
    ...r,
    legalEntities: r.legalEntities.map((e) => ({ ...e })),
    brands: r.brands.map((b) => ({ ...b })),
    contacts: r.contacts.map((c) => ({ ...c, phones: [...c.phones], emails: [...c.emails] })),
    addresses: r.addresses.map((a) => ({ ...a })),
    owner: r.owner ? { ...r.owner } : r.owner,
  };
}

export type FileGroup = {
  /** The first row of the group: the client the others fold into. */
  leader: number;
  /** Every row of the group, the leader first. */
  rows: number[];
  /** The leader's record with the parts of the other rows added. */
  record: ImportRecord;
  /** The record's identifiers (importIdentifiers), source ids being positions in its lists. */
  identifiers: Identifier[];
};

/**
 * Rows of one file that are one client: identity's batch clustering (same ИНН, phone, e-mail…,
 * R-ID-1/R-ID-2, blocking + pairwise scores), plus amoCRM contact rows joined to the company row
 * whose name their «Компания» carries. Groups come back in file order.
 */
export function groupWithinFile(records: readonly ImportRecord[], rules: IdentityRules): FileGroup[] {
  const steps = groupSteps(records, rules);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Every record's identifiers (importIdentifiers), in slices; in the records' order. */
export function* identifierSteps(records: readonly ImportRecord[]): Generator<void, Identifier[][], void> {
  const out: Identifier[][] = [];
  for (const r of records) {
    if (out.length % CLUSTER_SLICE === CLUSTER_SLICE - 1) yield;
    out.push(importIdentifiers(r));
  }
  return out;
}

/**
 * `groupWithinFile` in slices (see cluster.ts clusterSteps): a server importing a large file stays
 * responsive. `identifiers` (identifierSteps of the same records) when the caller already has them.
 */
export function* groupSteps(
  records: readonly ImportRecord[],
  rules: IdentityRules,
  identifiers?: readonly Identifier[][],
): Generator<void, FileGroup[], void> {
  const perRecord = identifiers ?? (yield* identifierSteps(records));
  const ids = records.map((r, i) => ({ row: r.row, identifiers: perRecord[i]! }));
  const idsByRow = new Map(ids.map((x) => [x.row, x.identifiers]));
  const clusters = (yield* clusterSteps(ids, rules)).rows;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  for (const c of clusters) {
    parent.set(c.row, c.row);
  }
  for (const c of clusters) union(c.row, c.cluster);
  const companyByName = new Map<string, number>();
  for (const r of records)
    if (r.kind === 'company') {
      const k = normalizeOrgName(r.displayName);
      if (!companyByName.has(k)) companyByName.set(k, r.row);
    }
  for (const r of records) {
    if (r.kind !== 'contact') continue;
    const company = companyByName.get(normalizeOrgName(r.displayName));
    if (company !== undefined) union(r.row, company);
  }
  const byRoot = new Map<number, ImportRecord[]>();
  for (const r of records) {
    const root = find(r.row);
    const list = byRoot.get(root) ?? [];
    byRoot.set(root, list);
    list.push(r);
  }
  const groups: FileGroup[] = [];
  for (const members of byRoot.values()) {
    // A company row leads its contacts even when a contact comes first in the file.
    const lead = members.find((m) => m.kind === 'company') ?? members[0]!;
    if (members.length === 1) {
      groups.push({ leader: lead.row, rows: [lead.row], record: lead, identifiers: idsByRow.get(lead.row)! });
      continue;
    }
    const record = cloneRecord(lead);
    for (const m of members) if (m !== lead) mergeRecords(record, m);
    groups.push({
      identifiers: importIdentifiers(record),
      leader: lead.row,
      rows: [lead.row, ...members.filter((m) => m !== lead).map((m) => m.row)],
      record,
    });
  }
  return groups.sort((a, b) => a.leader - b.leader);
}

export type ImportUser = { id: number; name: string; email: string; role: Role; status: UserStatus };

export type OwnerResolution =
  | { ok: true; userId: number }
  | { ok: false; reason: 'UNKNOWN_OWNER' | 'AMBIGUOUS_OWNER' | 'OWNER_CANNOT_OWN' };

const personKey = (s: string) =>
  s
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}@.\s-]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .sort()
    .join(' ');

/**
 * «Ответственный» → a user: by e-mail (any case), else by name (word order and case do not
 * matter: «Иванова Анна» = «Анна Иванова»). Admins and users on leave or gone cannot own (R-OWN-1).
 */
export function resolveOwner(value: string, users: readonly ImportUser[]): OwnerResolution {
  const v = value.trim();
  let found: ImportUser[];
  if (v.includes('@')) found = users.filter((u) => u.email.toLowerCase() === v.toLowerCase());
  else {
    const k = personKey(v);
    found = users.filter((u) => personKey(u.name) === k);
  }
  if (found.length === 0) return { ok: false, reason: 'UNKNOWN_OWNER' };
  if (found.length > 1) return { ok: false, reason: 'AMBIGUOUS_OWNER' };
  const u = found[0]!;
  if (u.role === 'admin' || u.status !== 'active') return { ok: false, reason: 'OWNER_CANNOT_OWN' };
  return { ok: true, userId: u.id };
}
