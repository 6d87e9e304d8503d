import { sql } from 'drizzle-orm';
import {
  checkTouch,
  type TouchDirection,
  type TouchKind,
  type TouchOutcome,
  type TouchWarning,
} from '../../core/activity/touch.ts';
import type { Role } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Tx } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import type { AppContext } from '../context.ts';
import { notify } from '../notifications.ts';
import { openDispute } from '../disputes.ts';
import { getTouch, type TouchView } from '../queries/touches.ts';
import { inTransaction } from '../tx.ts';
import { loadRules } from './ownership-support.ts';

export type LogTouchCommand = {
  actor: { kind: 'user'; id: number; role: Role };
  clientId: number;
  /** null / absent = the touch concerns all lines. */
  lineId?: number | null | undefined;
  contactId?: number | null | undefined;
  kind: TouchKind;
  direction?: TouchDirection | undefined;
  outcome?: TouchOutcome | null | undefined;
  /** Default: now. */
  occurredAt?: Date | undefined;
  nextStep?: string | null | undefined;
  nextStepAt?: Date | null | undefined;
  body?: string | undefined;
};

/** A warning as the API and CLI show it: code, rule, an English sentence, and the facts behind it. */
export type WarningView = {
  code: TouchWarning['code'];
  rule: string;
  message: string;
  details: Record<string, unknown>;
};

export type TouchLogged = { touch: TouchView | null; warnings: WarningView[] };

/**
 * Log a touch (C8) under the one-voice rules (C16): R-TOUCH-1..2, R-VOICE-1..3.
 * With `dryRun` nothing is written: the answer says whether it would be accepted and with which
 * warnings (the UI asks before the manager picks up the phone).
 */
export async function logTouch(
  ctx: AppContext,
  cmd: LogTouchCommand,
  opts: { dryRun?: boolean } = {},
): Promise<Outcome<TouchLogged>> {
  const now = ctx.clock();
  const occurredAt = cmd.occurredAt ?? now;
  const direction = cmd.direction ?? 'outbound';
  return inTransaction(ctx.db, async (tx) => {
    const [client] = await rows<{ id: number; display_name: string; merged_into: number | null }>(
      tx,
      sql`SELECT id, display_name, merged_into FROM clients WHERE id = ${cmd.clientId}`,
    );
    if (!client) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    if (client.merged_into !== null)
      return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId, mergedInto: client.merged_into });
    const rules = await loadRules(tx, cmd.lineId ?? undefined);
    if (!rules.ok) return rules;
    const { policy } = rules.value;
    // A touch without a line concerns every line; single-owner mode also looks at every line.
    const lineScope = cmd.lineId == null ? sql`` : sql`AND line_id IN ${inList(rules.value.lineIds)}`;
    const owners = await rows<{ owner_id: number | null; line_id: number }>(
      tx,
      sql`SELECT owner_id, line_id FROM ownership WHERE client_id = ${cmd.clientId} ${lineScope} ORDER BY line_id`,
    );
    let contact: { id: number; doNotContact: boolean } | null = null;
    if (cmd.contactId != null) {
      const [c] = await rows<{ id: number; client_id: number; do_not_contact: boolean }>(
        tx,
        sql`SELECT id, client_id, do_not_contact FROM contacts WHERE id = ${cmd.contactId}`,
      );
      if (!c || c.client_id !== cmd.clientId)
        return fail('VALIDATION_FAILED', {
          issues: [
            { path: 'body.contactId', message: `contact ${cmd.contactId} is not a contact of this client` },
          ],
        });
      contact = { id: c.id, doNotContact: c.do_not_contact };
    }
    const [last] = await rows<{ author_id: number; kind: TouchKind; occurred_at: Date | string }>(
      tx,
      sql`SELECT author_id, kind, occurred_at FROM touches
          WHERE client_id = ${cmd.clientId} AND occurred_at <= ${occurredAt}
            AND direction = 'outbound' AND kind <> 'note' AND author_id <> ${cmd.actor.id}
          ORDER BY occurred_at DESC LIMIT 1`,
    );
    const check = checkTouch({
      policy: policy.policy,
      now,
      actor: { id: cmd.actor.id, role: cmd.actor.role },
      kind: cmd.kind,
      direction,
      occurredAt,
      nextStepAt: cmd.nextStepAt ?? null,
      contact,
      owners: owners.map((o) => o.owner_id),
      lastOtherOutreach: last
        ? { authorId: last.author_id, kind: last.kind, occurredAt: new Date(last.occurred_at) }
        : null,
    });
    if (check.kind === 'rejected') return fail(check.code, check.details);
    const warnings = await describeWarnings(tx, check.warnings);
    if (opts.dryRun) return ok({ touch: null, warnings });

    const [row] = await rows<{ id: string | number }>(
      tx,
      sql`INSERT INTO touches (client_id, line_id, author_id, contact_id, kind, direction, outcome, occurred_at,
            created_at, next_step, next_step_at, body)
          VALUES (${cmd.clientId}, ${cmd.lineId ?? null}, ${cmd.actor.id}, ${cmd.contactId ?? null}, ${cmd.kind},
            ${direction}, ${cmd.outcome ?? null}, ${occurredAt}, ${now}, ${cmd.nextStep ?? null},
            ${cmd.nextStepAt ?? null}, ${cmd.body ?? ''})
          RETURNING id`,
    );
    const touch = (await getTouch(tx, Number(row!.id)))!;
    for (const ownerId of check.notifyOwnerIds)
      await notify(tx, now, ownerId, 'foreign_touch', {
        // Russian, the team's language (e-mail subject and body, the inbox line).
        title: `${touch.authorName} связался с вашим клиентом «${client.display_name}»`,
        text: `${touch.authorName}: ${KIND_RU[touch.kind] ?? touch.kind} с «${client.display_name}», ${occurredAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (правило R-VOICE-1).`,
        clientId: cmd.clientId,
        clientName: client.display_name,
        touchId: touch.id,
        authorId: touch.authorId,
        authorName: touch.authorName,
        kind: touch.kind,
        occurredAt: occurredAt.toISOString(),
      });
    // R-DISP-1: a meeting held by a non-owner opens a dispute where the policy says so (one per line).
    if (cmd.outcome === 'meeting_held' && policy.policy.disputes.openOnMeeting) {
      for (const o of owners) {
        if (o.owner_id === null || o.owner_id === cmd.actor.id) continue;
        await openDispute(tx, {
          now,
          policy,
          clientId: cmd.clientId,
          lineId: o.line_id,
          ownerId: o.owner_id,
          claimantId: cmd.actor.id,
          trigger: 'meeting',
        });
      }
    }
    return ok({ touch, warnings });
  });
}

const KIND_RU: Record<string, string> = {
  call: 'звонок',
  meeting: 'встреча',
  email: 'письмо',
  proposal: 'КП',
  note: 'заметка',
};

function inList(ids: number[]) {
  return sql`(${sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  )})`;
}

async function describeWarnings(tx: Tx, warnings: TouchWarning[]): Promise<WarningView[]> {
  if (warnings.length === 0) return [];
  const ids = new Set<number>();
  for (const w of warnings) {
    if (w.code === 'NON_OWNER_OUTREACH') for (const o of w.ownerIds) ids.add(o);
    else ids.add(w.last.authorId);
  }
  const names = new Map(
    (
      await rows<{ id: number; name: string }>(
        tx,
        sql`SELECT id, name FROM users WHERE id IN ${inList([...ids])}`,
      )
    ).map((u) => [u.id, u.name]),
  );
  return warnings.map((w): WarningView => {
    if (w.code === 'NON_OWNER_OUTREACH') {
      const who = w.ownerIds.map((o) => names.get(o) ?? `#${o}`).join(', ');
      return {
        code: w.code,
        rule: w.rule,
        message: `The client is in the base of ${who}; the owner will be told about this touch`,
        details: { ownerIds: w.ownerIds, ownerNames: w.ownerIds.map((o) => names.get(o) ?? null) },
      };
    }
    const who = names.get(w.last.authorId) ?? `#${w.last.authorId}`;
    return {
      code: w.code,
      rule: w.rule,
      message: `${who} already contacted this client on ${w.last.occurredAt.toISOString()} (${w.last.kind}); the company waits ${w.cooldownDays} days between contacts`,
      details: {
        cooldownDays: w.cooldownDays,
        lastAuthorId: w.last.authorId,
        lastAuthorName: names.get(w.last.authorId) ?? null,
        lastKind: w.last.kind,
        lastAt: w.last.occurredAt.toISOString(),
      },
    };
  });
}
