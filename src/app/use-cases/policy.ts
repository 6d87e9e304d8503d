import { desc, lt } from 'drizzle-orm';
import { isPresetName, type Policy, policySchema, presets } from '../../core/policy/policy.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import { policies } from '../../db/schema/index.ts';
import type { AppContext } from '../context.ts';
import { audit } from '../audit.ts';
import { policyVersion, savePolicyVersion } from '../policy-store.ts';

/** Every change is a new version with author and time (R-POL-1); nothing is overwritten. */
export async function setPolicy(
  ctx: AppContext,
  document: unknown,
  actorId: number | null,
  note: string | null,
): Promise<Outcome<{ version: number; policy: Policy }>> {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) {
    return fail('VALIDATION_FAILED', {
      issues: parsed.error.issues.map((i) => ({ path: ['policy', ...i.path].join('.'), message: i.message })),
    });
  }
  const now = ctx.clock();
  const version = await ctx.db.transaction(async (tx) => {
    const v = await savePolicyVersion(tx, parsed.data, actorId, note, now);
    const before = await policyVersion(tx, v - 1);
    // Audit (issue 8): the previous and the new version, in the same transaction.
    await audit(tx, {
      at: now,
      actor: actorId === null ? { id: null, label: 'cli' } : { id: actorId },
      action: 'policy.set',
      target: { type: 'policy', id: v },
      before: before ? { version: before.version, policy: before.policy } : null,
      after: { version: v, policy: parsed.data, note },
    });
    return v;
  });
  return ok({ version, policy: parsed.data });
}

export async function applyPreset(ctx: AppContext, name: string, actorId: number | null) {
  if (!isPresetName(name)) {
    return fail<{ version: number; policy: Policy }>('VALIDATION_FAILED', {
      issues: [{ path: 'preset', message: `unknown preset "${name}"; use team, balanced or competition` }],
    });
  }
  return setPolicy(ctx, presets[name], actorId, `preset ${name}`);
}

export async function listPolicyVersions(
  ctx: AppContext,
  page: { cursor?: number | undefined; limit: number },
) {
  const list = await ctx.db
    .select({
      version: policies.version,
      note: policies.note,
      createdBy: policies.createdBy,
      createdAt: policies.createdAt,
    })
    .from(policies)
    .where(page.cursor ? lt(policies.version, page.cursor) : undefined)
    .orderBy(desc(policies.version))
    .limit(page.limit + 1);
  const more = list.length > page.limit;
  const items = more ? list.slice(0, page.limit) : list;
  return { items, nextCursor: more ? items[items.length - 1]!.version : null };
}
