import type { IdentityRules } from '../policy/policy.ts';
import { type Identifier, type IdentifierKind, isNameKind } from './identifiers.ts';
import { translitKey } from './normalize.ts';
import { trigramSimilarity } from './similarity.ts';

export type MatchOutcome = 'same' | 'maybe' | 'different';

/** One piece of evidence, with what it matched on both sides (the UI highlights `matched`). */
export type MatchReason = {
  /** Message key: identity.sameInn, identity.samePhone, identity.nameSimilar, identity.sameAddress … */
  code:
    | 'SAME_INN'
    | 'SAME_OGRN'
    | 'SAME_PHONE'
    | 'SAME_EMAIL'
    | 'SAME_DOMAIN'
    | 'NAME_SIMILAR'
    | 'SAME_ADDRESS'
    | 'ADDRESS_SIMILAR'
    | 'SAME_CONTACT_NAME'
    | 'DIFFERENT_INN';
  kind: IdentifierKind;
  similarity: number;
  /** The candidate's identifier (as written) and where it sits. */
  matched: { display: string; kind: IdentifierKind; sourceType: Identifier['sourceType']; sourceId: number };
  query: string;
  /** The contact's name when an exact phone/e-mail hit sits on a contact («тот же телефон, что у контакта …»). */
  contact?: string;
  /** Plain English, e.g. "brand name 92 % similar"; the UI builds its own text from code and fields. */
  text: string;
};

export type ScoredCandidate = {
  clientId: number;
  score: number;
  outcome: MatchOutcome;
  reasons: MatchReason[];
};

type Evidence = { weight: number; similarity: number; reason: MatchReason };

const EXACT: Partial<
  Record<IdentifierKind, { code: MatchReason['code']; weight: keyof IdentityRules['weights']; label: string }>
> = {
  inn: { code: 'SAME_INN', weight: 'inn', label: 'same ИНН' },
  ogrn: { code: 'SAME_OGRN', weight: 'ogrn', label: 'same ОГРН' },
  phone: { code: 'SAME_PHONE', weight: 'phone', label: 'same phone' },
  email: { code: 'SAME_EMAIL', weight: 'email', label: 'same e-mail' },
  domain: { code: 'SAME_DOMAIN', weight: 'domain', label: 'same company domain' },
};

const KIND_LABEL: Record<IdentifierKind, string> = {
  inn: 'ИНН',
  ogrn: 'ОГРН',
  phone: 'phone',
  email: 'e-mail',
  domain: 'domain',
  display_name: 'name',
  legal_name: 'legal name',
  brand: 'brand name',
  contact_name: 'contact',
  address: 'address',
};

const houses = (key: string) => key.split(' ').filter((t) => /^д\d/.test(t));

/**
 * Address keys (order-insensitive, numbers glued to their markers): equal 1; a different house is
 * no evidence at all however similar the street; an address that only adds detail to another
 * («…, 4» vs «…, 4, БЦ «Вертикаль», оф. 1105») counts 0.9; else trigram similarity.
 */
export function addressSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ha = houses(a);
  const hb = houses(b);
  if (ha.length && hb.length && !ha.some((h) => hb.includes(h))) return 0;
  const ta = a.split(' ');
  const tb = b.split(' ');
  const [short, long] = ta.length <= tb.length ? [ta, new Set(tb)] : [tb, new Set(ta)];
  const refines = short.every((t) => long.has(t)) && houses(short.join(' ')).length > 0;
  const t = trigramSimilarity(a, b);
  return refines ? Math.max(t, 0.9) : t;
}

/**
 * Two person names are one person when every full word of the shorter is in the longer and its
 * initials fit the longer's other words («Дмитриев К. С.» ~ «Дмитриев Кирилл Сергеевич»); the
 * shorter must carry two full words, or one and an initial.
 */
export function samePerson(a: string, b: string): boolean {
  if (!a || !b) return false;
  if (a === b) return a.includes(' ');
  const wa = a.split(' ').filter(Boolean);
  const wb = b.split(' ').filter(Boolean);
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  const full = short.filter((w) => w.length > 1);
  const initials = short.filter((w) => w.length === 1);
  if (full.length < 2 && !(full.length === 1 && initials.length >= 1)) return false;
  if (!full.every((w) => long.includes(w))) return false;
  const rest = long.filter((w) => !full.includes(w));
  return initials.every((i, k) => rest[k]?.startsWith(i));
}

/** Name similarity: trigram similarity, raised when the transliteration keys agree («Юникс» ~ «Unix»). */
export function nameSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const t = trigramSimilarity(a, b);
  const ka = translitKey(a);
  return ka && ka === translitKey(b) ? Math.max(t, 0.95) : t;
}

/**
 * Score a candidate client against a query record (R-ID-1): exact keys and name/address similarity
 * combine as independent evidence, 1 − Π(1 − weight·similarity). Two records with different valid
 * ИНН are never `same` on names and addresses alone (R-ID-2): only an exact phone, e-mail, domain or
 * ОГРН can still make them one client (a chain's second legal entity).
 */
export function scoreCandidate(
  rules: IdentityRules,
  query: Identifier[],
  candidateId: number,
  candidate: Identifier[],
  contactNames: ReadonlyMap<number, string> = new Map(),
): ScoredCandidate {
  const evidence: Evidence[] = [];
  const bestByKey = new Map<string, Evidence>();
  const add = (key: string, e: Evidence) => {
    const cur = bestByKey.get(key);
    if (!cur || e.weight * e.similarity > cur.weight * cur.similarity) bestByKey.set(key, e);
  };
  const matchedOf = (c: Identifier) => ({
    display: c.display,
    kind: c.kind,
    sourceType: c.sourceType,
    sourceId: c.sourceId,
  });

  for (const q of query) {
    const exact = EXACT[q.kind];
    if (exact) {
      const hit = candidate.find((c) => c.kind === q.kind && c.value === q.value);
      if (hit) {
        const who = hit.sourceType === 'contact' ? contactNames.get(hit.sourceId) : undefined;
        add(`${q.kind}:${q.value}`, {
          weight: rules.weights[exact.weight],
          similarity: 1,
          reason: {
            code: exact.code,
            kind: q.kind,
            similarity: 1,
            matched: matchedOf(hit),
            query: q.display,
            ...(who ? { contact: who } : {}),
            text: who ? `${exact.label} as contact ${who}` : exact.label,
          },
        });
      }
      continue;
    }
    if (isNameKind(q.kind) && q.kind !== 'contact_name') {
      for (const c of candidate) {
        if (!isNameKind(c.kind) || c.kind === 'contact_name') continue;
        const sim = nameSimilarity(q.value, c.value);
        if (sim < rules.nameSimilarityMin) continue;
        const pct = Math.round(sim * 100);
        add('name', {
          weight: rules.weights.name,
          similarity: sim,
          reason: {
            code: 'NAME_SIMILAR',
            kind: c.kind,
            similarity: sim,
            matched: matchedOf(c),
            query: q.display,
            text: sim === 1 ? `same ${KIND_LABEL[c.kind]}` : `${KIND_LABEL[c.kind]} ${pct} % similar`,
          },
        });
      }
    } else if (q.kind === 'contact_name') {
      // A sole trader's name is also its company name: counting the contact again would count one clue twice.
      const isOrgName = (name: string) =>
        [...query, ...candidate].some(
          (i) => isNameKind(i.kind) && i.kind !== 'contact_name' && samePerson(i.value, name),
        );
      const hit = candidate.find((c) => c.kind === 'contact_name' && samePerson(q.value, c.value));
      if (hit && !isOrgName(q.value) && !isOrgName(hit.value)) {
        add('contact', {
          weight: rules.weights.contactName,
          similarity: 1,
          reason: {
            code: 'SAME_CONTACT_NAME',
            kind: 'contact_name',
            similarity: 1,
            matched: matchedOf(hit),
            query: q.display,
            text: `same contact ${hit.display}`,
          },
        });
      }
    } else if (q.kind === 'address') {
      for (const c of candidate) {
        if (c.kind !== 'address') continue;
        const sim = addressSimilarity(q.value, c.value);
        if (sim < 0.8) continue;
        add('address', {
          weight: rules.weights.address,
          similarity: sim,
          reason: {
            code: sim === 1 ? 'SAME_ADDRESS' : 'ADDRESS_SIMILAR',
            kind: 'address',
            similarity: sim,
            matched: matchedOf(c),
            query: q.display,
            text: sim === 1 ? 'same address' : `address ${Math.round(sim * 100)} % similar`,
          },
        });
      }
    }
  }
  evidence.push(...bestByKey.values());

  let miss = 1;
  for (const e of evidence) miss *= 1 - e.weight * e.similarity;
  let score = 1 - miss;

  const qInn = new Set(query.filter((i) => i.kind === 'inn').map((i) => i.value));
  const cInn = new Set(candidate.filter((i) => i.kind === 'inn').map((i) => i.value));
  const innConflict = qInn.size > 0 && cInn.size > 0 && ![...qInn].some((v) => cInn.has(v));
  const reasons = evidence
    .sort((a, b) => b.weight * b.similarity - a.weight * a.similarity)
    .map((e) => e.reason);
  if (innConflict) {
    const hard = evidence.some((e) =>
      ['SAME_PHONE', 'SAME_EMAIL', 'SAME_DOMAIN', 'SAME_OGRN'].includes(e.reason.code),
    );
    if (!hard) score = Math.min(score, rules.sameThreshold - 0.01);
    const other = candidate.find((i) => i.kind === 'inn')!;
    reasons.push({
      code: 'DIFFERENT_INN',
      kind: 'inn',
      similarity: 0,
      matched: matchedOf(other),
      query: query.find((i) => i.kind === 'inn')!.display,
      text: 'different ИНН',
    });
  }
  score = Math.round(score * 1000) / 1000;
  const outcome: MatchOutcome =
    score >= rules.sameThreshold ? 'same' : score >= rules.maybeThreshold ? 'maybe' : 'different';
  return { clientId: candidateId, score, outcome, reasons };
}

/** Rank candidates, best first; `different` ones are dropped unless asked for. */
export function rankCandidates(scored: ScoredCandidate[], keepDifferent = false): ScoredCandidate[] {
  return scored
    .filter((s) => keepDifferent || s.outcome !== 'different')
    .sort((a, b) => b.score - a.score || a.clientId - b.clientId);
}
