import { sql } from 'drizzle-orm';
import { allocate } from '../../core/disputes/dispute.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

/** An order's credit rows with the money of each share, to the kopeck (R-CREDIT-1). */
export async function dealCredits(ex: Executor, dealId: number) {
  const [deal] = await rows<{ id: number; amount_kopecks: string | number }>(
    ex,
    sql`SELECT id, amount_kopecks FROM deals WHERE id = ${dealId}`,
  );
  if (!deal) return null;
  const found = await rows<{
    manager_id: number;
    role: 'originator' | 'closer' | 'helper';
    share_bps: number;
    source: string;
  }>(
    ex,
    sql`SELECT manager_id, role, share_bps, source FROM deal_credits WHERE deal_id = ${dealId} ORDER BY seq`,
  );
  const money =
    found.length === 0
      ? []
      : allocate(
          Number(deal.amount_kopecks),
          found.map((f) => ({ managerId: f.manager_id, role: f.role, bps: f.share_bps })),
        );
  return {
    dealId,
    credits: found.map((f, i) => ({
      managerId: f.manager_id,
      role: f.role,
      shareBps: f.share_bps,
      amountKopecks: money[i]!,
      source: f.source,
    })),
  };
}
