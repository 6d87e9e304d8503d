import { performance } from 'node:perf_hooks';
import pg from 'pg';

export type StatementStat = { label: string; n: number; totalMs: number };

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;

/** A short, stable label for a statement: whitespace collapsed, quotes dropped, the first 70 characters. */
function labelOf(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/"/g, '').trim().slice(0, 70);
}

/**
 * Time every statement sent by node-postgres clients in this process (client-side wall time: round
 * trip plus server execution plus result parsing). Patches pg.Client.prototype.query until stop().
 * Only for a sequential profiling run: with concurrent requests the times overlap.
 */
export function installQueryTimer(): { stop(): StatementStat[] } {
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const stats = new Map<string, StatementStat>();
  proto.query = function timedQuery(this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
    const label = labelOf(text);
    const t0 = performance.now();
    const record = () => {
      const s = stats.get(label) ?? { label, n: 0, totalMs: 0 };
      s.n += 1;
      s.totalMs += performance.now() - t0;
      stats.set(label, s);
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = function timedCallback(this: unknown, ...cbArgs: unknown[]) {
        record();
        return (last as QueryFn).apply(this, cbArgs);
      };
      return original.apply(this, args);
    }
    const out = original.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === 'function')
      (out as Promise<unknown>).then(record, record);
    return out;
  };
  return {
    stop() {
      proto.query = original;
      return [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
    },
  };
}
