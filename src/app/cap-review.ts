import { sql } from 'drizzle-orm';
import { addDays } from '../core/ownership/decide.ts';
import { type CapReview, reviewCap } from '../core/ownership/result-caps.ts';
import type { Actor } from '../core/ownership/types.ts';
import { actorLabel } from '../core/ownership/types.ts';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';
import { loadRules, lockManager } from './use-cases/ownership-support.ts';

export type CapReviewReport = {
  now: string;
  policyVersion: number;
  /** false when result-based caps are off in the policy: the figures are shown, nothing is changed. */
  applied: boolean;
  reviews: (Omit<CapReview, 'releaseDeadline'> & { releaseDeadline: string | null; managerName: string })[];
};

/**
 * R-TIER-1/2: review every active manager's cap from their results over the policy window.
 * Results today are the won deals a manager closed (amount and count); when credit splits exist
 * (C12) they count the credited share instead. One transaction per manager, with the manager row
 * locked like every claim (so a concurrent claim sees either the old or the new cap, never half).
 */
export async function reviewCaps(
  ctx: AppContext,
  opts: { now?: Date; actor: Actor; managerId?: number; dryRun?: boolean },
): Promise<CapReviewReport> {
  const now = opts.now ?? ctx.clock();
  const rules = await loadRules(ctx.db, undefined);
  if (!rules.ok) return { now: now.toISOString(), policyVersion: 0, applied: false, reviews: [] };
  const { policy, lineIds } = rules.value;
  const p = policy.policy;
  const applied = p.resultCaps.enabled && !opts.dryRun;
  const from = addDays(now, -p.resultCaps.windowDays);
  const single = p.lines.mode === 'single_owner';
  const managers = await rows<{ id: number; name: string }>(
    ctx.db,
    sql`SELECT id, name FROM users WHERE status = 'active' AND role IN ('manager','head')
        ${opts.managerId === undefined ? sql`` : sql`AND id = ${opts.managerId}`} ORDER BY id`,
  );
  const reviews: CapReviewReport['reviews'] = [];
  for (const m of managers) {
    await ctx.db.transaction(async (tx) => {
      const manager = await lockManager(tx, m.id);
      if (!manager) return;
      const [facts] = await rows<{
        revenue: string | number;
        orders: string | number;
        base: string | number;
        deadline: Date | string | null;
      }>(
        tx,
        sql`SELECT
              (SELECT coalesce(sum(amount_kopecks), 0) FROM deals WHERE manager_id = ${m.id} AND stage = 'won'
                 AND won_at > ${from.toISOString()} AND won_at <= ${now.toISOString()}) AS revenue,
              (SELECT count(*) FROM deals WHERE manager_id = ${m.id} AND stage = 'won'
                 AND won_at > ${from.toISOString()} AND won_at <= ${now.toISOString()}) AS orders,
              ${
                single
                  ? sql`(SELECT count(DISTINCT client_id) FROM ownership WHERE owner_id = ${m.id})`
                  : sql`(SELECT count(*) FROM ownership WHERE owner_id = ${m.id} AND line_id = ${lineIds[0]!})`
              } AS base,
              (SELECT cap_deadline_at FROM users WHERE id = ${m.id}) AS deadline`,
      );
      const r = reviewCap(p, manager, {
        results: { revenueKopecks: Number(facts!.revenue), orders: Number(facts!.orders) },
        baseCount: Number(facts!.base),
        now,
        currentDeadline: facts!.deadline ? new Date(facts!.deadline) : null,
      });
      reviews.push({ ...r, managerName: m.name, releaseDeadline: r.releaseDeadline?.toISOString() ?? null });
      if (!applied) return;
      await tx.execute(
        sql`UPDATE users SET cap_override = ${r.newCap}, cap_deadline_at = ${r.releaseDeadline?.toISOString() ?? null}
            WHERE id = ${m.id}`,
      );
      await tx.execute(
        sql`INSERT INTO cap_reviews (manager_id, reviewed_at, policy_version, window_days, revenue_kopecks, orders, tier,
                                     old_cap, new_cap, base_count, release_deadline, actor)
            VALUES (${m.id}, ${now.toISOString()}, ${policy.version}, ${p.resultCaps.windowDays}, ${r.results.revenueKopecks},
                    ${r.results.orders}, ${r.tier}, ${r.oldCap}, ${r.newCap}, ${r.baseCount},
                    ${r.releaseDeadline?.toISOString() ?? null}, ${actorLabel(opts.actor)})`,
      );
      if (r.effectiveCap !== r.oldCap || (r.releaseDeadline && !facts!.deadline)) {
        const payload = {
          oldCap: r.oldCap,
          newCap: r.effectiveCap,
          baseCount: r.baseCount,
          releaseDeadline: r.releaseDeadline?.toISOString() ?? null,
          surplus: Math.max(0, r.baseCount - r.effectiveCap),
          title: `Лимит базы: ${r.oldCap} → ${r.effectiveCap}`,
          text: r.releaseDeadline
            ? `По результатам за ${p.resultCaps.windowDays} дн. лимит базы теперь ${r.effectiveCap}, а в базе ${r.baseCount}. ` +
              `Освободите ${r.baseCount - r.effectiveCap} клиентов до ${r.releaseDeadline.toISOString().slice(0, 10)}; после этого ` +
              'давно не тронутые клиенты вернутся в копилку автоматически (R-TIER-3).'
            : `По результатам за ${p.resultCaps.windowDays} дн. лимит базы теперь ${r.effectiveCap} (R-TIER-1).`,
        };
        await tx.execute(
          sql`INSERT INTO notifications (user_id, kind, payload, created_at, dedupe_key)
              VALUES (${m.id}, ${r.effectiveCap < r.oldCap ? 'cap_shrinking' : 'cap_changed'}, ${JSON.stringify(payload)}::jsonb,
                      ${now.toISOString()}, ${`cap:${m.id}:${now.toISOString()}`})
              ON CONFLICT DO NOTHING`,
        );
      }
    });
  }
  return { now: now.toISOString(), policyVersion: policy.version, applied, reviews };
}
