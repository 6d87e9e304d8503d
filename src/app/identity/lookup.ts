import { type ClientSnapshot, type Identifier, identifiersOf } from '../../core/identity/identifiers.ts';
import { bestLookupHit } from '../../core/identity/lookup-rank.ts';
import { rankCandidates, type ScoredCandidate, scoreCandidate } from '../../core/identity/match.ts';
import {
  companyDomain,
  nameTokens,
  normalizeEmail,
  normalizeOrgName,
  normalizePhoneNumber,
} from '../../core/identity/normalize.ts';
import { validateInn, validateOgrn, validateOgrnip } from '../../core/identity/ru-identifiers.ts';
import type { IdentityRules } from '../../core/policy/policy.ts';
import type { Executor } from '../../db/connect.ts';
import type { AddressInput, BrandInput, ContactInput, LegalEntityInput } from '../client-types.ts';
import { getClientSummaries } from '../queries/clients.ts';
import {
  exactCandidates,
  exactLookup,
  fragmentCandidates,
  identifiersOfClients,
  nameCandidates,
} from './candidates.ts';

export type MatchRecord = {
  displayName?: string | null | undefined;
  legalEntities?: LegalEntityInput[] | undefined;
  brands?: BrandInput[] | undefined;
  contacts?: ContactInput[] | undefined;
  addresses?: AddressInput[] | undefined;
};

/** A structured record as identifiers, normalised exactly as stored ones are. */
export function recordIdentifiers(r: MatchRecord): Identifier[] {
  const snap: ClientSnapshot = {
    id: 0,
    displayName: r.displayName ?? '',
    legalEntities: (r.legalEntities ?? []).map((e, i) => ({
      id: i,
      name: e.name,
      inn: e.inn ?? null,
      ogrn: e.ogrn ?? null,
    })),
    brands: (r.brands ?? []).map((b, i) => ({ id: i, name: b.name })),
    contacts: (r.contacts ?? []).map((c, i) => ({
      id: i,
      name: c.name,
      phones: c.phones ?? [],
      emails: c.emails ?? [],
    })),
    addresses: (r.addresses ?? []).map((a, i) => ({ id: i, address: a.address, city: a.city ?? null })),
  };
  return identifiersOf(snap);
}

export type MatchResult = ScoredCandidate & {
  client: Awaited<ReturnType<typeof getClientSummaries>>[number];
};

/** Candidates for a record from SQL (exact keys; name words incl. typos), scored and explained by the core (R-ID-1, R-ID-2). */
export async function matchRecord(
  ex: Executor,
  rules: IdentityRules,
  record: MatchRecord,
  opts: { excludeClientId?: number; limit?: number } = {},
): Promise<MatchResult[]> {
  const query = recordIdentifiers(record);
  const words = [
    ...new Set(
      query.filter((q) => q.kind !== 'contact_name' && q.tokens.length).flatMap((q) => nameTokens(q.value)),
    ),
  ];
  // Sequential: `ex` may be a transaction (one connection).
  const exact = await exactCandidates(ex, query);
  const byName = await nameCandidates(ex, words, { lastIsPrefix: false, limit: 50 });
  const ids = [...new Set([...exact, ...byName.map((n) => n.clientId)])].filter(
    (id) => id !== opts.excludeClientId,
  );
  const { byClient, contactNames } = await identifiersOfClients(ex, ids);
  const scored = rankCandidates(
    ids.map((id) => scoreCandidate(rules, query, id, byClient.get(id) ?? [], contactNames)),
  ).slice(0, opts.limit ?? 10);
  const summaries = new Map(
    (
      await getClientSummaries(
        ex,
        scored.map((s) => s.clientId),
      )
    ).map((c) => [c.id, c]),
  );
  return scored.map((s) => ({ ...s, client: summaries.get(s.clientId)! }));
}

export type LookupItem = {
  clientId: number;
  score: number;
  matched: { kind: Identifier['kind']; display: string; sourceType: Identifier['sourceType'] } | null;
  client: Awaited<ReturnType<typeof getClientSummaries>>[number];
};

/** What an as-you-type fragment is: an ИНН, ОГРН, phone, e-mail or domain (exact keys), and its name words. */
export function classifyFragment(q: string): { exact: Identifier[]; words: string[] } {
  const exact: Identifier[] = [];
  const add = (kind: Identifier['kind'], value: string) =>
    exact.push({ kind, value, display: q, sourceType: 'client', sourceId: 0, tokens: [] });
  const trimmed = q.trim();
  const digits = trimmed.replace(/[\s\-()+.]/g, '');
  if (/^\d+$/.test(digits)) {
    const inn = validateInn(digits);
    if (inn.ok) add('inn', inn.value);
    const ogrn = digits.length === 15 ? validateOgrnip(digits) : validateOgrn(digits);
    if (ogrn.ok) add('ogrn', ogrn.value);
  }
  if (/\d{5,}/.test(digits.replace(/\D/g, ''))) {
    // The number only: its kind (mobile or fixed) would cost a second pass of libphonenumber.
    const phone = normalizePhoneNumber(trimmed);
    if (phone.ok) add('phone', phone.e164);
  }
  if (trimmed.includes('@')) {
    const e = normalizeEmail(trimmed);
    if (e.ok) {
      add('email', e.email);
      const d = e.freeMail ? null : companyDomain(e.domain);
      if (d) add('domain', d);
    }
  } else if (/^[^\s]+\.[a-zа-я]{2,}(\/.*)?$/i.test(trimmed)) {
    const d = companyDomain(trimmed);
    if (d) add('domain', d);
  }
  const words =
    exact.length > 0 && /^[\d\s\-()+.]+$/.test(trimmed) ? [] : nameTokens(normalizeOrgName(trimmed));
  return { exact, words };
}

/** "Who owns this?" from any fragment, as you type (C2). One SQL statement per lookup. */
export async function lookup(ex: Executor, q: string, limit = 10): Promise<LookupItem[]> {
  const { exact, words } = classifyFragment(q);
  if (words.length === 0) {
    // A phone, ИНН, ОГРН, e-mail: one indexed statement, the matched key shown.
    const found = await exactLookup(ex, exact, limit);
    return found.map((c) => ({
      clientId: c.clientId,
      score: 1,
      matched: pickMatched(c.identifiers[0]!),
      client: { id: c.clientId, displayName: c.displayName, owners: c.owners, lastTouchAt: null },
    }));
  }
  // Every typed word may be a prefix: «пти ленинский» finds «Жар-птица (Ленинский р-н)».
  const found = await fragmentCandidates(ex, exact, { words, prefix: 'all' }, Math.max(50, limit * 5));
  const items = found.map((c) => {
    const ex1 = exact
      .map((e) => c.identifiers.find((i) => i.kind === e.kind && i.value === e.value))
      .find(Boolean);
    if (ex1) return { c, score: 1, matched: ex1 as Identifier | null };
    const hit = bestLookupHit(words, 'all', c.identifiers);
    return { c, score: hit.score, matched: hit.matched };
  });
  return items
    .filter((i) => i.score >= 0.35)
    .sort((a, b) => b.score - a.score || a.c.clientId - b.c.clientId)
    .slice(0, limit)
    .map((t) => ({
      clientId: t.c.clientId,
      score: t.score,
      matched: t.matched ? pickMatched(t.matched) : null,
      client: { id: t.c.clientId, displayName: t.c.displayName, owners: t.c.owners, lastTouchAt: null },
    }));
}

function pickMatched(i: Identifier): NonNullable<LookupItem['matched']> {
  return { kind: i.kind, display: i.display, sourceType: i.sourceType };
}
