import {
  addressKey,
  companyDomain,
  nameTokens,
  normalizeAddress,
  normalizeEmail,
  normalizeOrgName,
  normalizePhoneNumber,
  translitKey,
} from './normalize.ts';
import { validateInn, validateOgrn, validateOgrnip } from './ru-identifiers.ts';

/** The one list of identifier kinds and source records (the API schema and the table use it too). */
export const identifierKinds = [
  'inn',
  'ogrn',
  'phone',
  'email',
  'domain',
  'display_name',
  'legal_name',
  'brand',
  'contact_name',
  'address',
] as const;
export const sourceTypes = ['client', 'legal_entity', 'brand', 'contact', 'address'] as const;
export type IdentifierKind = (typeof identifierKinds)[number];
export type SourceType = (typeof sourceTypes)[number];

/** A stored identifier row as SQL returns it. */
export type IdentifierRow = {
  client_id: number;
  kind: IdentifierKind;
  value: string;
  display: string;
  source_type: SourceType;
  source_id: number;
};

/** A stored row back to an identifier; search tokens are not needed once stored (scoring uses the value). */
export function identifierFromRow(r: IdentifierRow): Identifier {
  return {
    kind: r.kind,
    value: r.value,
    display: r.display,
    sourceType: r.source_type,
    sourceId: r.source_id,
    tokens: [],
  };
}

export type Identifier = {
  kind: IdentifierKind;
  value: string;
  display: string;
  sourceType: SourceType;
  sourceId: number;
  /** Search words (names only): the words of the normalised name and «~» + their transliteration keys. */
  tokens: string[];
};

/** What a client is made of, as far as identity goes. */
export type ClientSnapshot = {
  id: number;
  displayName: string;
  legalEntities: { id: number; name: string; inn: string | null; ogrn: string | null }[];
  brands: { id: number; name: string }[];
  contacts: { id: number; name: string; phones: string[]; emails: string[] }[];
  addresses: { id: number; address: string; city: string | null }[];
};

const NAME_KINDS: ReadonlySet<IdentifierKind> = new Set([
  'display_name',
  'legal_name',
  'brand',
  'contact_name',
]);

export function isNameKind(kind: IdentifierKind): boolean {
  return NAME_KINDS.has(kind);
}

/**
 * Search words of a name (the postings). A word's transliteration key (so «unix» finds «Юникс») is
 * not a posting: it is kept once per word in the vocabulary (termKey, identity_terms.key).
 */
export function searchTokens(normalized: string): string[] {
  // A client's display and legal names usually normalise to one value, and an import computes a
  // merged row's identifiers twice: memoised (bounded), each caller gets its own array.
  let hit = searchTokensMemo.get(normalized);
  if (hit === undefined) {
    hit = [...new Set(nameTokens(normalized))];
    if (searchTokensMemo.size >= 50_000) searchTokensMemo.clear();
    searchTokensMemo.set(normalized, hit);
  }
  return [...hit];
}
const searchTokensMemo = new Map<string, readonly string[]>();

/** A vocabulary word's transliteration key ('' when it has none): identity_terms.key. */
export function termKey(term: string): string {
  return translitKey(term);
}

/**
 * Every normalised key of a client (C2). Invalid ИНН/ОГРН and unparseable phones are not keys:
 * they cannot prove identity (the base review lists them instead).
 */
export function identifiersOf(c: ClientSnapshot): Identifier[] {
  const out: Identifier[] = [];
  const push = (id: Omit<Identifier, 'tokens'> & { city?: string | null }) => {
    if (!id.value) return;
    // One identifier per kind, value and source (a client has a handful: a scan beats a key string).
    for (const o of out)
      if (
        o.kind === id.kind &&
        o.value === id.value &&
        o.sourceType === id.sourceType &&
        o.sourceId === id.sourceId
      )
        return;
    out.push({
      kind: id.kind,
      value: id.value,
      display: id.display,
      sourceType: id.sourceType,
      sourceId: id.sourceId,
      tokens: isNameKind(id.kind)
        ? searchTokens(id.value)
        : id.kind === 'address'
          ? addressTokens(normalizeAddress(id.display), id.city ?? null)
          : [],
    });
  };
  push({
    kind: 'display_name',
    value: normalizeOrgName(c.displayName),
    display: c.displayName,
    sourceType: 'client',
    sourceId: c.id,
  });
  for (const e of c.legalEntities) {
    push({
      kind: 'legal_name',
      value: normalizeOrgName(e.name),
      display: e.name,
      sourceType: 'legal_entity',
      sourceId: e.id,
    });
    if (e.inn) {
      const v = validateInn(e.inn);
      if (v.ok)
        push({ kind: 'inn', value: v.value, display: e.inn, sourceType: 'legal_entity', sourceId: e.id });
    }
    if (e.ogrn) {
      const v = e.ogrn.replace(/\D/g, '').length === 15 ? validateOgrnip(e.ogrn) : validateOgrn(e.ogrn);
      if (v.ok)
        push({ kind: 'ogrn', value: v.value, display: e.ogrn, sourceType: 'legal_entity', sourceId: e.id });
    }
  }
  for (const b of c.brands)
    push({
      kind: 'brand',
      value: normalizeOrgName(b.name),
      display: b.name,
      sourceType: 'brand',
      sourceId: b.id,
    });
  for (const k of c.contacts) {
    push({
      kind: 'contact_name',
      value: normalizePersonName(k.name),
      display: k.name,
      sourceType: 'contact',
      sourceId: k.id,
    });
    for (const p of k.phones) {
      const r = normalizePhoneNumber(p);
      if (r.ok) push({ kind: 'phone', value: r.e164, display: p, sourceType: 'contact', sourceId: k.id });
    }
    for (const m of k.emails) {
      const r = normalizeEmail(m);
      if (!r.ok) continue;
      push({ kind: 'email', value: r.email, display: m, sourceType: 'contact', sourceId: k.id });
      const d = r.freeMail ? null : companyDomain(r.domain);
      if (d) push({ kind: 'domain', value: d, display: r.domain, sourceType: 'contact', sourceId: k.id });
    }
  }
  for (const a of c.addresses) {
    const full =
      a.city && !a.address.toLowerCase().includes(a.city.toLowerCase())
        ? `${a.city}, ${a.address}`
        : a.address;
    push({
      kind: 'address',
      value: addressKey(full),
      display: full,
      sourceType: 'address',
      sourceId: a.id,
      city: a.city,
    });
  }
  return out;
}

/**
 * Address words worth searching: no abbreviations (ул, д, г …), numbers or the city itself — words
 * that nearly every address of a one-city base shares and that would only flood the search.
 */
export function addressTokens(normalized: string, city: string | null = null): string[] {
  const skip = new Set(city ? normalizeAddress(city).split(' ') : []);
  return [...new Set(normalized.split(' ').filter((w) => w.length >= 3 && !/^\d+$/.test(w) && !skip.has(w)))];
}

/** A person's name for comparison: lower-case, ё→е, punctuation removed, spaces collapsed. */
export function normalizePersonName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
