import { sql } from 'drizzle-orm';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { IdentityRules } from '../../core/policy/policy.ts';
import { reasonCodeOf } from '../../core/identity/reason-code.ts';
import type { Tx } from '../../db/connect.ts';
import { duplicateOverrides } from '../../db/schema/index.ts';
import { type MatchRecord, type MatchResult, matchRecord, recordIdentifiers } from './lookup.ts';

const EXACT_LOCK_KINDS = new Set(['inn', 'ogrn', 'phone', 'email']);

/**
 * R-ID-3: new data that is the `same` organisation as another client is refused unless forced with a
 * reason; `maybe` matches are returned as warnings. Writers of the same ИНН/ОГРН/phone/e-mail are
 * serialised by transaction-scoped advisory locks, so two people entering one new company at the same
 * moment cannot both pass the check.
 */
export async function checkDuplicates(
  tx: Tx,
  rules: IdentityRules,
  record: MatchRecord,
  excludeClientId: number | null,
  force: { force?: boolean | undefined; forceReason?: string | null | undefined },
): Promise<Outcome<{ warnings: MatchResult[]; forced: MatchResult[] }>> {
  const keys = [
    ...new Set(
      recordIdentifiers(record)
        .filter((i) => EXACT_LOCK_KINDS.has(i.kind))
        .map((i) => `${i.kind}:${i.value}`),
    ),
  ].sort();
  for (const k of keys) await tx.execute(sql`SELECT pg_advisory_xact_lock(7240100, hashtext(${k}))`);
  const found = await matchRecord(tx, rules, record, excludeClientId === null ? {} : { excludeClientId });
  const same = found.filter((f) => f.outcome === 'same');
  const warnings = found.filter((f) => f.outcome === 'maybe');
  if (same.length === 0) return ok({ warnings, forced: [] });
  if (!force.force) return fail('DUPLICATE_SUSPECTED', { candidates: same });
  if (!force.forceReason?.trim()) return fail('REASON_REQUIRED', { field: 'forceReason' });
  return ok({ warnings, forced: same });
}

export async function logOverride(
  tx: Tx,
  clientId: number,
  actorId: number,
  reason: string,
  forced: MatchResult[],
  now: Date,
) {
  await tx.insert(duplicateOverrides).values({
    clientId,
    actorId,
    reason: reason.trim(),
    candidates: forced.map((f) => ({
      clientId: f.clientId,
      score: f.score,
      reasons: f.reasons.map((r) => r.text),
      // The structured reasons too, in the shape the import and review answers carry (the review
      // lists these overrides): a screen translates codes, not the English text.
      reasonCodes: f.reasons.map(reasonCodeOf),
    })),
    occurredAt: now,
  });
}
