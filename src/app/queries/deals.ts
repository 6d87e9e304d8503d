import { type SQL, sql } from 'drizzle-orm';
import type { DealStage } from '../../core/activity/deal.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

export type DealView = {
  id: number;
  clientId: number;
  clientName: string;
  lineId: number;
  managerId: number;
  managerName: string;
  legalEntityId: number | null;
  title: string;
  stage: DealStage;
  amountKopecks: number;
  expectedCloseAt: Date | null;
  wonAt: Date | null;
  lostAt: Date | null;
  lostReason: string | null;
  signedAt: Date | null;
  dueAt: Date | null;
  paidAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

type Row = Record<string, unknown>;
const d = (v: unknown) => (v == null ? null : new Date(v as string));

function toView(r: Row): DealView {
  return {
    id: r.id as number,
    clientId: r.client_id as number,
    clientName: r.client_name as string,
    lineId: r.line_id as number,
    managerId: r.manager_id as number,
    managerName: r.manager_name as string,
    legalEntityId: (r.legal_entity_id as number | null) ?? null,
    title: r.title as string,
    stage: r.stage as DealStage,
    amountKopecks: Number(r.amount_kopecks),
    expectedCloseAt: d(r.expected_close_at),
    wonAt: d(r.won_at),
    lostAt: d(r.lost_at),
    lostReason: (r.lost_reason as string | null) ?? null,
    signedAt: d(r.signed_at),
    dueAt: d(r.due_at),
    paidAt: d(r.paid_at),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

const select = sql`SELECT dl.*, c.display_name AS client_name, u.name AS manager_name
  FROM deals dl JOIN clients c ON c.id = dl.client_id JOIN users u ON u.id = dl.manager_id`;

export async function getDeal(ex: Executor, id: number): Promise<DealView | null> {
  const [r] = await rows<Row>(ex, sql`${select} WHERE dl.id = ${id}`);
  return r ? toView(r) : null;
}

export type DealFilter = {
  clientId?: number | undefined;
  managerId?: number | undefined;
  stage?: DealStage | undefined;
  cursor?: number | undefined;
  limit: number;
};

/** Deals newest first, keyset-paginated by id. */
export async function listDeals(ex: Executor, f: DealFilter) {
  const conds: SQL[] = [sql`true`];
  if (f.clientId !== undefined) conds.push(sql`dl.client_id = ${f.clientId}`);
  if (f.managerId !== undefined) conds.push(sql`dl.manager_id = ${f.managerId}`);
  if (f.stage !== undefined) conds.push(sql`dl.stage = ${f.stage}`);
  if (f.cursor !== undefined) conds.push(sql`dl.id < ${f.cursor}`);
  const found = await rows<Row>(
    ex,
    sql`${select} WHERE ${sql.join(conds, sql` AND `)} ORDER BY dl.id DESC LIMIT ${f.limit + 1}`,
  );
  const more = found.length > f.limit;
  const items = (more ? found.slice(0, f.limit) : found).map(toView);
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}
