import { sql } from 'drizzle-orm';
import { rows } from '../db/raw.ts';
import { scheduledBackup } from './backup.ts';
import { reviewCaps } from './cap-review.ts';
import type { AppContext } from './context.ts';
import { liveDuplicatesMax, runDuplicateScan } from './identity/duplicate-scan.ts';
import { activePolicy } from './policy-store.ts';
import { runSweep, type SweepReport } from './sweep.ts';

/**
 * Nightly jobs (C10, C7; the duplicate scan of a large base, C23) in every server instance, run exactly once per slot across instances:
 * a slot is claimed by inserting (job, slot) into job_runs under a unique index, and the sweep
 * itself also holds an advisory lock. Times are the server's local time zone.
 */
export type SchedulerOptions = {
  /** "HH:MM" local time of the nightly sweep; null = off. */
  sweepAt: string | null;
  /** How often to look at the clock. */
  tickMs?: number;
  log?: (msg: string, data?: Record<string, unknown>) => void;
  /** Embedded mode: back up the data folder every `everyMs` into `dir`, keeping the newest `keep` (parseBackupEnv). */
  backup?: BackupSchedule | null;
};

export type BackupSchedule = { everyMs: number; dir: string; keep: number };

/**
 * FAIRBASE_BACKUP_EVERY ("24h", "30m", "7d"; default off), FAIRBASE_BACKUP_DIR (default <data folder>/backups),
 * FAIRBASE_BACKUP_KEEP (default 7). Embedded (PGlite) only: PostgreSQL has its own tools (pg_dump, WAL archiving).
 */
export function parseBackupEnv(env: NodeJS.ProcessEnv, dataDir: string | null): BackupSchedule | null {
  const every = env.FAIRBASE_BACKUP_EVERY;
  if (!every || every === 'off') return null;
  const m = every.match(/^(\d+)\s*(m|h|d)$/);
  if (!m || Number(m[1]) === 0)
    throw new Error(
      `FAIRBASE_BACKUP_EVERY: expected a number with m, h or d (e.g. 24h), or "off", got "${every}"`,
    );
  if (!dataDir)
    throw new Error('FAIRBASE_BACKUP_EVERY backs up the embedded data folder; with DATABASE_URL use pg_dump');
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  const keep = Number(env.FAIRBASE_BACKUP_KEEP ?? 7);
  if (!Number.isInteger(keep) || keep < 1)
    throw new Error(`FAIRBASE_BACKUP_KEEP: a whole number ≥ 1, got "${env.FAIRBASE_BACKUP_KEEP}"`);
  return { everyMs: Number(m[1]) * unit, dir: env.FAIRBASE_BACKUP_DIR || `${dataDir}/backups`, keep };
}

function startBackups(ctx: AppContext, b: BackupSchedule, log: SchedulerOptions['log']): () => void {
  const timer = setInterval(() => {
    scheduledBackup(ctx, b.dir, b.keep, ctx.clock())
      .then((r) => log?.('data folder backed up', { dir: b.dir, file: r.file, removed: r.removed.length }))
      .catch((e: unknown) => log?.('scheduled backup failed', { error: (e as Error).message }));
  }, b.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

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
  // A large base's likely duplicates, for the review (duplicate-scan.ts); a small one is clustered live.
  const [base] = await rows<{ n: number }>(
    ctx.db,
    sql`SELECT count(*)::int AS n FROM clients WHERE merged_into IS NULL`,
  );
  if ((base?.n ?? 0) > liveDuplicatesMax()) await runDuplicateScan(ctx, slot);
  return report;
}

export function startScheduler(ctx: AppContext, opts: SchedulerOptions): () => void {
  const stopBackups = opts.backup ? startBackups(ctx, opts.backup, opts.log) : () => {};
  if (!opts.sweepAt) return stopBackups;
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
  return () => {
    clearInterval(timer);
    stopBackups();
  };
}
