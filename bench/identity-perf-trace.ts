/**
 * Statement tracing for the identity lookup benchmark: every statement the app sends (text, parameters,
 * client-side wall time), on node-postgres (pg.Client.prototype.query) or on one PGlite instance.
 * Only for sequential runs: statements sent together (Promise.all) overlap in time.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export type TracedStatement = { text: string; params: unknown[]; ms: number };

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;

function wrap(original: QueryFn, out: TracedStatement[]): QueryFn {
  return function tracedQuery(this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
    const params = Array.isArray(args[1])
      ? (args[1] as unknown[])
      : ((first as { values?: unknown[] } | null)?.values ?? []);
    const t0 = performance.now();
    const record = () => out.push({ text, params, ms: performance.now() - t0 });
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = function tracedCallback(this: unknown, ...cbArgs: unknown[]) {
        record();
        return (last as QueryFn).apply(this, cbArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function')
      (result as Promise<unknown>).then(record, record);
    return result;
  };
}

/** Trace node-postgres statements (all pg.Client instances of this process) until stop(). */
export function tracePg(): { stop(): TracedStatement[] } {
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const out: TracedStatement[] = [];
  proto.query = wrap(original, out);
  return {
    stop() {
      proto.query = original;
      return out;
    },
  };
}

/** Trace the statements of one PGlite instance (an own property shadows the prototype method). */
export function tracePglite(client: object): { stop(): TracedStatement[] } {
  const holder = client as { query: QueryFn };
  const original = holder.query;
  const out: TracedStatement[] = [];
  holder.query = wrap(original, out);
  return {
    stop() {
      delete (holder as Partial<typeof holder>).query;
      return out;
    },
  };
}

/** What a lookup statement does, by its SQL (stable across parameters). */
export function statementLabel(text: string): string {
  const t = text.replace(/\s+/g, ' ').replace(/"/g, '');
  if (/WITH cand AS/i.test(t)) return 'fragmentCandidates: names + keys, identifiers, owners (one statement)';
  if (/FROM client_identifiers ci JOIN clients c/i.test(t))
    return 'exactLookup: key, client, owners (one statement)';
  if (/AS q\(i, w, k, pre, fz\)/i.test(t)) return 'nameCandidates (one statement)';
  if (/FROM client_identifiers WHERE client_id IN/i.test(t)) return 'identifiersOfClients';
  return t.slice(0, 60);
}

/** Inline the parameters of a statement for EXPLAIN, so the planner sees the real values on both drivers. */
export function inlineParams(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}
