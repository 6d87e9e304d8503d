import { sql } from 'drizzle-orm';
import type { TouchDirection, TouchKind, TouchOutcome } from '../../core/activity/touch.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

export type TouchView = {
  id: number;
  clientId: number;
  lineId: number | null;
  authorId: number;
  authorName: string;
  contactId: number | null;
  contactName: string | null;
  kind: TouchKind;
  direction: TouchDirection;
  outcome: TouchOutcome | null;
  occurredAt: Date;
  createdAt: Date;
  nextStep: string | null;
  nextStepAt: Date | null;
  body: string;
};

type TouchRow = {
  id: string | number;
  client_id: number;
  line_id: number | null;
  author_id: number;
  author_name: string;
  contact_id: number | null;
  contact_name: string | null;
  kind: TouchKind;
  direction: TouchDirection;
  outcome: TouchOutcome | null;
  occurred_at: Date | string;
  created_at: Date | string;
  next_step: string | null;
  next_step_at: Date | string | null;
  body: string;
};

export const touchColumns = sql`t.id, t.client_id, t.line_id, t.author_id, u.name AS author_name, t.contact_id,
  c.name AS contact_name, t.kind, t.direction, t.outcome, t.occurred_at, t.created_at, t.next_step,
  t.next_step_at, t.body`;
export const touchJoins = sql`JOIN users u ON u.id = t.author_id LEFT JOIN contacts c ON c.id = t.contact_id`;

export function toTouchView(r: TouchRow): TouchView {
  return {
    id: Number(r.id),
    clientId: r.client_id,
    lineId: r.line_id,
    authorId: r.author_id,
    authorName: r.author_name,
    contactId: r.contact_id,
    contactName: r.contact_name,
    kind: r.kind,
    direction: r.direction,
    outcome: r.outcome,
    occurredAt: new Date(r.occurred_at),
    createdAt: new Date(r.created_at),
    nextStep: r.next_step,
    nextStepAt: r.next_step_at ? new Date(r.next_step_at) : null,
    body: r.body,
  };
}

export async function getTouch(ex: Executor, id: number): Promise<TouchView | null> {
  const [r] = await rows<TouchRow>(
    ex,
    sql`SELECT ${touchColumns} FROM touches t ${touchJoins} WHERE t.id = ${id}`,
  );
  return r ? toTouchView(r) : null;
}

/**
 * "Our company last contacted them on … (who, how)" (R-VOICE-4): the latest call, meeting, e-mail or
 * proposal in either direction (notes are internal). Read through the (client_id, occurred_at desc)
 * index rather than a denormalised column: one index probe per client, and nothing to keep in step.
 */
export async function lastContactOf(ex: Executor, clientId: number): Promise<TouchView | null> {
  const [r] = await rows<TouchRow>(
    ex,
    sql`SELECT ${touchColumns} FROM touches t ${touchJoins}
        WHERE t.client_id = ${clientId} AND t.kind <> 'note'
        ORDER BY t.occurred_at DESC, t.id DESC LIMIT 1`,
  );
  return r ? toTouchView(r) : null;
}

/** The latest touch of any kind per client (lookup and match results), one index probe each. */
export async function lastTouchAtOf(ex: Executor, clientIds: number[]): Promise<Map<number, Date>> {
  const map = new Map<number, Date>();
  if (clientIds.length === 0) return map;
  const found = await rows<{ id: number; at: Date | string | null }>(
    ex,
    sql`SELECT c.id, (SELECT t.occurred_at FROM touches t WHERE t.client_id = c.id ORDER BY t.occurred_at DESC LIMIT 1) AS at
        FROM unnest(${`{${clientIds.join(',')}}`}::int[]) AS c(id)`,
  );
  for (const r of found) if (r.at) map.set(r.id, new Date(r.at));
  return map;
}
