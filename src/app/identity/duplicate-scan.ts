import { getHeapStatistics } from 'node:v8';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import type { AppContext } from '../context.ts';
import { activePolicy } from '../policy-store.ts';
import { type DuplicateCluster, findDuplicateClients } from './dedupe-base.ts';

/**
 * Likely duplicates of a large base (C23), scanned ahead instead of on every review. The scan
 * clusters the whole base in memory (`findDuplicateClients`): about 30 s of CPU and 1.2 GB per 100,000
 * clients (measured on the demo base), far too slow for a page. So:
 * - a base of at most LIVE_DUPLICATES_MAX clients is clustered live by every review (seconds);
 * - a larger one is scanned each night after the sweep (one instance per night: the job_runs slot),
 *   and whenever a head asks for it; the review shows the latest finished scan, with its time,
 *   leaving out clients merged since.
 * A scan's result lives in its job_runs row (`summary`): no table of its own, and old nights stay
 * as a record of what was found when.
 */
export const LIVE_DUPLICATES_MAX = 5_000;

/**
 * FAIRBASE_LIVE_DUPLICATES_MAX: the largest base clustered live (default LIVE_DUPLICATES_MAX; 0 =
 * always from the scan). Read when needed, so the server, the scheduler and the CLI agree; the
 * server checks it at start.
 */
export function liveDuplicatesMax(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.FAIRBASE_LIVE_DUPLICATES_MAX;
  if (v === undefined || v === '') return LIVE_DUPLICATES_MAX;
  if (!/^\d+$/.test(v))
    throw new Error(`FAIRBASE_LIVE_DUPLICATES_MAX: a whole number of clients (e.g. 5000), got "${v}"`);
  return Number(v);
}
/** The strongest groups a scan keeps (the review shows at most its `limit` of them). */
export const STORED_GROUPS = 1_000;
/** A scan that has not finished after this long is taken for dead (its instance stopped). */
const SCAN_STALE_MS = 6 * 3_600_000;
export const DUPLICATE_SCAN_JOB = 'duplicate_scan';
/**
 * Heap a scan needs per client: measured 3.8 KB live per client on the 100,000-client demo base
 * (identifiers, blocks, name terms; 1.2 GB peak RSS), doubled for the garbage of scoring.
 */
const SCAN_BYTES_PER_CLIENT = 8_000;

export type DuplicateScanSummary = {
  clients: number;
  /** Groups found in all; `groups` keeps the strongest STORED_GROUPS of them. */
  total: number;
  groups: DuplicateCluster[];
};

/** Why the latest scan did not finish with a result: too large for this process's heap, or an error. */
export type ScanProblem =
  | { code: 'BASE_TOO_LARGE'; clients: number; heapLimitMb: number }
  | { code: 'FAILED'; message: string };

export type DuplicatesView = {
  /** `live`: clustered for this review; `scan`: the latest scan's; `none`: a large base not scanned yet. */
  source: 'live' | 'scan' | 'none';
  /** When the scan shown finished (null when live or none). */
  scannedAt: Date | null;
  /** A scan started and not finished yet (the page can say "recounting…"). */
  scanRunningSince: Date | null;
  /** The latest scan after the one shown (if any) ended without a result: why. */
  scanProblem: ScanProblem | null;
  groups: DuplicateCluster[];
  total: number;
};

async function activeClients(ex: Executor): Promise<number> {
  const [r] = await rows<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM clients WHERE merged_into IS NULL`,
  );
  return r?.n ?? 0;
}

/** Claim a scan slot; null when another instance (or an earlier tick) has it. */
async function claim(ex: Executor, slot: string, now: Date): Promise<number | null> {
  const [row] = await rows<{ id: number }>(
    ex,
    sql`INSERT INTO job_runs (job, slot, started_at) VALUES (${DUPLICATE_SCAN_JOB}, ${slot}, ${now.toISOString()})
        ON CONFLICT (job, slot) DO NOTHING RETURNING id`,
  );
  return row ? Number(row.id) : null;
}

/**
 * Scan the base for likely duplicates under the active policy and store the result in the slot's
 * job_runs row. `slot`: the night's date for the scheduler, `manual-<time>` for a head's request.
 * Returns null when the slot was taken already.
 */
export async function runDuplicateScan(
  ctx: AppContext,
  slot: string,
  /** `bytesPerClient`: the memory estimate per client (tests make a base "too large"). */
  opts: { bytesPerClient?: number } = {},
): Promise<DuplicateScanSummary | null> {
  const id = await claim(ctx.db, slot, ctx.clock());
  if (id === null) return null;
  const end = (summary: Record<string, unknown>) =>
    ctx.db.execute(
      sql`UPDATE job_runs SET finished_at = ${ctx.clock().toISOString()}, summary = ${JSON.stringify(summary)}::jsonb
          WHERE id = ${id}`,
    );
  try {
    const rules = (await activePolicy(ctx.db)).policy.identity;
    const clients = await activeClients(ctx.db);
    // The scan holds the whole base in memory: one too large for this process's heap is refused
    // (an out-of-memory crash would take the server down) and says so on the review.
    const heap = getHeapStatistics();
    if (
      clients * (opts.bytesPerClient ?? SCAN_BYTES_PER_CLIENT) >
      heap.heap_size_limit - heap.used_heap_size
    ) {
      const problem: ScanProblem = {
        code: 'BASE_TOO_LARGE',
        clients,
        heapLimitMb: Math.round(heap.heap_size_limit / 1_048_576),
      };
      await end({ problem });
      return null;
    }
    const all = await findDuplicateClients(ctx.db, rules);
    const summary: DuplicateScanSummary = { clients, total: all.length, groups: all.slice(0, STORED_GROUPS) };
    await end(summary);
    return summary;
  } catch (e) {
    // Finished, with the error: the review keeps showing the previous scan, and why this one failed.
    const problem: ScanProblem = { code: 'FAILED', message: (e as Error).message.slice(0, 500) };
    await end({ problem });
    throw e;
  }
}

/**
 * A head's "recount now": starts a scan unless one is running; the scan goes on in this process
 * after the answer (it takes minutes on a large base). `started: false` when one is running.
 */
export async function requestDuplicateScan(
  ctx: AppContext,
  log?: (msg: string, data?: Record<string, unknown>) => void,
): Promise<{ started: boolean; runningSince: Date | null }> {
  const running = await runningScan(ctx.db, ctx.clock());
  if (running) return { started: false, runningSince: running };
  const now = ctx.clock();
  runDuplicateScan(ctx, `manual-${now.toISOString()}`).catch((e: unknown) =>
    log?.('duplicate scan failed', { error: (e as Error).message }),
  );
  return { started: true, runningSince: now };
}

async function runningScan(ex: Executor, now: Date): Promise<Date | null> {
  const [r] = await rows<{ started_at: Date | string }>(
    ex,
    sql`SELECT started_at FROM job_runs WHERE job = ${DUPLICATE_SCAN_JOB} AND finished_at IS NULL
          AND started_at > ${new Date(now.getTime() - SCAN_STALE_MS).toISOString()}
        ORDER BY started_at DESC LIMIT 1`,
  );
  return r ? new Date(r.started_at) : null;
}

/**
 * The likely duplicates a review shows: live for a small base, else the latest finished scan with
 * merged-away clients removed (a group left with one client is dropped).
 */
export async function reviewDuplicates(
  ex: Executor,
  opts: { now: Date; limit: number; liveMax?: number },
): Promise<DuplicatesView> {
  const runningSince = await runningScan(ex, opts.now);
  const [latest] = await rows<{ summary: { problem?: ScanProblem } | null }>(
    ex,
    sql`SELECT summary FROM job_runs WHERE job = ${DUPLICATE_SCAN_JOB} AND finished_at IS NOT NULL
        ORDER BY finished_at DESC, id DESC LIMIT 1`,
  );
  const scanProblem = latest?.summary?.problem ?? null;
  if ((await activeClients(ex)) <= (opts.liveMax ?? liveDuplicatesMax())) {
    const rules = (await activePolicy(ex)).policy.identity;
    const all = await findDuplicateClients(ex, rules);
    return {
      source: 'live',
      scannedAt: null,
      scanRunningSince: runningSince,
      scanProblem: null,
      groups: all.slice(0, opts.limit),
      total: all.length,
    };
  }
  const [last] = await rows<{ finished_at: Date | string; summary: DuplicateScanSummary }>(
    ex,
    sql`SELECT finished_at, summary FROM job_runs
        WHERE job = ${DUPLICATE_SCAN_JOB} AND finished_at IS NOT NULL AND summary->'groups' IS NOT NULL
        ORDER BY finished_at DESC LIMIT 1`,
  );
  if (!last)
    return {
      source: 'none',
      scannedAt: null,
      scanRunningSince: runningSince,
      scanProblem,
      groups: [],
      total: 0,
    };
  const listed = [...new Set(last.summary.groups.flatMap((g) => g.clients))];
  const merged = new Set(
    listed.length === 0
      ? []
      : (
          await rows<{ id: number }>(
            ex,
            sql`SELECT id FROM clients WHERE id = ANY(${`{${listed.join(',')}}`}::int[]) AND merged_into IS NOT NULL`,
          )
        ).map((r) => r.id),
  );
  const groups = last.summary.groups
    .map((g) => ({ ...g, clients: g.clients.filter((c) => !merged.has(c)) }))
    .filter((g) => g.clients.length >= 2);
  const dropped = last.summary.groups.length - groups.length;
  return {
    source: 'scan',
    scannedAt: new Date(last.finished_at),
    scanRunningSince: runningSince,
    scanProblem,
    groups: groups.slice(0, opts.limit),
    total: last.summary.total - dropped,
  };
}
