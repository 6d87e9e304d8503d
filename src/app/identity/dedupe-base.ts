import { sql } from 'drizzle-orm';
import { type ClusterEdge, clusterSteps } from '../../core/identity/cluster.ts';
import { type Identifier, type IdentifierRow, identifierFromRow } from '../../core/identity/identifiers.ts';
import { type ReasonCode, reasonCodeOf, reasonKey } from '../../core/identity/reason-code.ts';
import type { IdentityRules } from '../../core/policy/policy.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { runInSlices } from '../slices.ts';

/** A group of clients in the base that are likely one organisation. */
export type DuplicateCluster = {
  /** Client ids, ascending. */
  clients: number[];
  /** The weakest link: every client joined the group with at least this score. */
  score: number;
  /** What joined them ("same ИНН", "same phone", "name 92 % similar" …), strongest first, each once. */
  reasons: string[];
  /** The same reasons, structured for the UI to translate (same order and length as `reasons`). */
  reasonCodes: ReasonCode[];
};

const BATCH = 5000;

/**
 * Likely duplicate clients already in the base (C2 batch mode, C23 base review): the identifier
 * index is read in batches of clients, each client becomes one record of its identifiers, and the
 * records are clustered as a CSV file's rows are (`clusterRecords`: blocking, `scoreCandidate`,
 * union-find over `same`, name-only clients attached by a unique name). Merged-away clients
 * (`merged_into` set) are left out. Groups come strongest first (score, then size), at most
 * `limit` of them (default: all). Clients are read `batchSize` (5000) at a time.
 */
export async function findDuplicateClients(
  ex: Executor,
  rules: IdentityRules,
  opts: { limit?: number; batchSize?: number } = {},
): Promise<DuplicateCluster[]> {
  const batch = opts.batchSize ?? BATCH;
  const byClient = new Map<number, Identifier[]>();
  let after = 0;
  for (;;) {
    const ids = await rows<{ id: number }>(
      ex,
      sql`SELECT id FROM clients WHERE merged_into IS NULL AND id > ${after} ORDER BY id LIMIT ${batch}`,
    );
    if (ids.length === 0) break;
    const first = (ids[0] as { id: number }).id;
    const last = (ids[ids.length - 1] as { id: number }).id;
    for (const { id } of ids) byClient.set(id, []);
    const found = await rows<IdentifierRow>(
      ex,
      sql`SELECT client_id, kind, value, display, source_type, source_id FROM client_identifiers
          WHERE client_id BETWEEN ${first} AND ${last} ORDER BY client_id, id`,
    );
    // Tokens are derived from the value by the clustering (searchTokens), as at indexing time.
    for (const r of found) byClient.get(r.client_id)?.push(identifierFromRow(r));
    after = last;
    if (ids.length < batch) break;
  }

  const records = [...byClient].map(([row, identifiers]) => ({ row, identifiers }));
  // In slices, each resumed on the next turn of the event loop: a server scanning its base (tens of
  // seconds at 100,000 clients) keeps answering requests meanwhile.
  const result = await runInSlices(clusterSteps(records, rules));

  const members = new Map<number, number[]>();
  const weakest = new Map<number, number>();
  for (const r of result.rows) {
    const list = members.get(r.cluster);
    if (list) list.push(r.row);
    else members.set(r.cluster, [r.row]);
    weakest.set(r.cluster, Math.min(weakest.get(r.cluster) ?? 1, r.score));
  }
  const clusterOf = new Map(result.rows.map((r) => [r.row, r.cluster]));
  const edgesOf = new Map<number, ClusterEdge[]>();
  for (const e of [...result.edges].sort((x, y) => y.score - x.score)) {
    const c = clusterOf.get(e.a) as number;
    const list = edgesOf.get(c);
    if (list) list.push(e);
    else edgesOf.set(c, [e]);
  }

  const groups: DuplicateCluster[] = [];
  for (const [cluster, clients] of members) {
    if (clients.length < 2) continue;
    // Reasons of the strongest joining pairs first; each pair lists its own strongest first.
    const reasons = new Map<string, { text: string; code: ReasonCode }>();
    for (const e of edgesOf.get(cluster) ?? [])
      for (const r of e.reasons) {
        const code = reasonCodeOf(r);
        const key = reasonKey(code);
        if (!reasons.has(key)) reasons.set(key, { text: r.text, code });
      }
    groups.push({
      clients: clients.sort((a, b) => a - b),
      score: weakest.get(cluster) as number,
      reasons: [...reasons.values()].map((r) => r.text),
      reasonCodes: [...reasons.values()].map((r) => r.code),
    });
  }
  groups.sort(
    (a, b) =>
      b.score - a.score ||
      b.clients.length - a.clients.length ||
      (a.clients[0] as number) - (b.clients[0] as number),
  );
  return opts.limit === undefined ? groups : groups.slice(0, opts.limit);
}
