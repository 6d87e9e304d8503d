import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';

/** What one operation answered: 'OK' for success, otherwise a short code (HTTP error code, NO_ROW, EXC:…). */
export type OpResult = string;

export type LoadResult = {
  ok: number;
  failed: number;
  codes: Record<string, number>;
  latencies: number[];
  elapsedMs: number;
  /** Workers that ran out of items before the deadline. */
  exhausted: number;
  /** The items each worker used, in order (to restore or inspect them afterwards). */
  used: number[][];
  cpu: CpuUse;
};

/** CPU time of this process (and of an optional other process, e.g. a child server) and machine load. */
export type CpuUse = { selfMs: number; otherMs: number | null; machineBusyPct: number };

function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/** utime + stime of a process in ms (Linux /proc; null elsewhere). Assumes the usual 100 ticks per second. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export function startCpuMeter(otherPid?: number): () => CpuUse {
  const self0 = process.cpuUsage();
  const other0 = processCpuMs(otherPid);
  const m0 = machineTimes();
  return () => {
    const self = process.cpuUsage(self0);
    const other1 = processCpuMs(otherPid);
    const m1 = machineTimes();
    return {
      selfMs: (self.user + self.system) / 1000,
      otherMs: other0 !== null && other1 !== null ? other1 - other0 : null,
      machineBusyPct: (100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total),
    };
  };
}

/** Where a worker gets its next item: undefined when it has none left. */
export type Source = (worker: number) => number | undefined;

/** Fixed per-worker slices as a source. */
export function fromSlices(slices: number[][]): { workers: number; source: Source } {
  const pos = slices.map(() => 0);
  return { workers: slices.length, source: (w) => slices[w]![pos[w]!++] };
}

/**
 * Hands out the not-yet-used part of a list in chunks: each worker owns the chunks it took, so the
 * workers' sets stay disjoint, and a phase consumes only as many items as it actually gets through
 * (the phases that follow get the rest).
 */
export class Feeder {
  private cursor: number;
  private readonly own = new Map<number, { at: number; end: number }>();
  constructor(
    private readonly items: number[],
    from = 0,
    private readonly chunk = 32,
  ) {
    this.cursor = from;
  }
  /** Items not handed out yet. */
  remaining(): number[] {
    return this.items.slice(this.cursor);
  }
  /**
   * A source for one phase that hands out at most `limit` items (a share kept for later phases on a
   * small pool); chunks a worker took but did not finish are dropped at the end of the phase.
   */
  source(limit = Number.POSITIVE_INFINITY): Source {
    this.own.clear();
    const stop = Math.min(this.items.length, this.cursor + limit);
    return (w) => {
      let mine = this.own.get(w);
      if (!mine || mine.at >= mine.end) {
        if (this.cursor >= stop) return undefined;
        mine = { at: this.cursor, end: Math.min(stop, this.cursor + this.chunk) };
        this.cursor = mine.end;
        this.own.set(w, mine);
      }
      return this.items[mine.at++];
    };
  }
}

/**
 * N concurrent workers, each taking items from its own disjoint share until the deadline (a closed
 * loop: one request in flight per worker). Latency is measured around each operation.
 */
export async function runWorkers(
  input: { workers: number; source: Source },
  seconds: number,
  op: (worker: number, item: number) => Promise<OpResult>,
  otherPid?: number,
): Promise<LoadResult> {
  const meter = startCpuMeter(otherPid);
  const codes: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let exhausted = 0;
  const used: number[][] = Array.from({ length: input.workers }, () => []);
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    used.map(async (mine, w) => {
      while (performance.now() < deadline) {
        const item = input.source(w);
        if (item === undefined) {
          exhausted += 1;
          return;
        }
        mine.push(item);
        const t0 = performance.now();
        let r: OpResult;
        try {
          r = await op(w, item);
        } catch (e) {
          r = `EXC:${(e as Error).message.slice(0, 60)}`;
        }
        latencies.push(performance.now() - t0);
        if (r === 'OK') ok += 1;
        else failed += 1;
        codes[r] = (codes[r] ?? 0) + 1;
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  return { ok, failed, codes, latencies, elapsedMs, exhausted, used, cpu: meter() };
}

/** Split items into `n` contiguous, disjoint slices of at most `each` items, starting at `from`. */
export function takeSlices(items: number[], from: number, n: number, each: number): number[][] {
  return Array.from({ length: n }, (_, w) => items.slice(from + w * each, from + (w + 1) * each));
}

/** POST /api/clients/:id/claim over HTTP with a Bearer token; 'OK' on 2xx, else the API's error code. */
export function httpClaim(baseUrl: string, tokens: string[]) {
  return async (worker: number, clientId: number): Promise<OpResult> => {
    const res = await fetch(`${baseUrl}/api/clients/${clientId}/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[worker]!}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return 'OK';
    try {
      return `${res.status} ${(JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '?'}`;
    } catch {
      return `${res.status}`;
    }
  };
}

const RAW_UPDATE =
  'UPDATE ownership SET owner_id = $1, since = now() WHERE client_id = $2 AND line_id = $3 AND owner_id IS NULL';

/** The raw limit: BEGIN; one-row conditional UPDATE; COMMIT — on the worker's own connection. */
export function rawClaim(clients: pg.Client[], managerIds: number[], lineId: number) {
  return async (worker: number, clientId: number): Promise<OpResult> => {
    const c = clients[worker]!;
    await c.query('BEGIN');
    try {
      const r = await c.query(RAW_UPDATE, [managerIds[worker]!, clientId, lineId]);
      await c.query('COMMIT');
      return r.rowCount === 1 ? 'OK' : 'NO_ROW';
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  };
}

/** Node CPU per successful operation (this process, and the child server when there is one) and machine load. */
export function cpuNote(r: LoadResult): string {
  const per = (ms: number) => (r.ok ? (ms / r.ok).toFixed(2) : '-');
  const other = r.cpu.otherMs !== null ? `, child server ${per(r.cpu.otherMs)}` : '';
  return `CPU ms/op: this node ${per(r.cpu.selfMs)}${other}; machine busy ${r.cpu.machineBusyPct.toFixed(0)}%`;
}
