import { sql } from 'drizzle-orm';
import { rows } from '../db/raw.ts';
import { reviewCaps } from './cap-review.ts';
import type { AppContext } from './context.ts';
import { activePolicy } from './policy-store.ts';
import { runSweep, type SweepReport } from './sweep.ts';

/**
 * Nightly jobs (C10, C7) in every server instance, run exactly once per slot across instances:
 * a slot is claimed by inserting (job, slot) into job_runs under a unique index, and the sweep
 * itself also holds an advisory lock. Times are the server's local time zone.
 */
export type SchedulerOptions = {
  /** "HH:MM" local time of the nightly sweep; null = off. */
  sweepAt: string | null;
  /** How often to look at the clock. */
  tickMs?: number;
  log?: (msg: string, data?: Record<string, unknown>) => void;
};

export function parseSweepAt(value: string | undefined): string | null {
  if (value === undefined || value === '') return '02:00';
  if (value === 'off') return null;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
    throw new Error(`FAIRBASE_SWEEP_AT: expected HH:MM (24 h) or "off", got "${value}"`);
  }
  return value;
}

/** The latest scheduled instant at or before `now` and its slot name (the local date). */
export function currentSlot(now: Date, at: string): { slot: string; due: Date } {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const due = new Date(now);
  due.setHours(h, m, 0, 0);
  if (due > now) due.setDate(due.getDate() - 1);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { slot: `${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}`, due };
}

/** Claim a job slot; false if another instance (or an earlier tick) already has it. */
async function claimSlot(ctx: AppContext, job: string, slot: string): Promise<number | null> {
  const [row] = await rows<{ id: number }>(
    ctx.db,
    sql`INSERT INTO job_runs (job, slot, started_at) VALUES (${job}, ${slot}, ${ctx.clock().toISOString()})
        ON CONFLICT (job, slot) DO NOTHING RETURNING id`,
  );
  return row ? Number(row.id) : null;
}

async function finish(ctx: AppContext, id: number, summary: Record<string, unknown>) {
  await ctx.db.execute(
    sql`UPDATE job_runs SET finished_at = ${ctx.clock().toISOString()}, summary = ${JSON.stringify(summary)}::jsonb WHERE id = ${id}`,
  );
}

/** One look at the clock: run the night's jobs if their slot has come and nobody ran them. */
export async function tick(ctx: AppContext, sweepAt: string): Promise<SweepReport | null> {
  const { slot } = currentSlot(ctx.clock(), sweepAt);
  const policy = await activePolicy(ctx.db);
  // Monthly cap review on the first night of the month, before the sweep (R-TIER-2).
  if (policy.policy.resultCaps.enabled && slot.endsWith('-01')) {
    const id = await claimSlot(ctx, 'cap_review', slot.slice(0, 7));
    if (id !== null) {
      const r = await reviewCaps(ctx, { actor: { kind: 'system', job: 'cap_review' } });
      await finish(ctx, id, { reviews: r.reviews.length, applied: r.applied });
    }
  }
  const id = await claimSlot(ctx, 'sweep', slot);
  if (id === null) return null;
  const report = await runSweep(ctx);
  await finish(ctx, id, {
    ran: report.ran,
    expired: report.expired.length,
    warned: report.warned.length,
    surplusReleased: report.surplusReleased.length,
  });
  return report;
}

export function startScheduler(ctx: AppContext, opts: SchedulerOptions): () => void {
  if (!opts.sweepAt) return () => {};
  const at = opts.sweepAt;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick(ctx, at)
      .then((r) => {
        if (r) opts.log?.('nightly sweep done', { expired: r.expired.length, warned: r.warned.length });
      })
      .catch((e: unknown) => opts.log?.('nightly sweep failed', { error: (e as Error).message }))
      .finally(() => {
        running = false;
      });
  }, opts.tickMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
