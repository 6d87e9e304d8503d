import type { TFunction } from 'i18next';
import type { LedgerEvent, Manager } from '../../api/types.ts';

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

/**
 * Why it happened, in words, from the event's reason code and details: «нет касаний 60 дней»,
 * «база больше лимита 150», «передача базы». Null when the code needs no explanation beyond its title.
 */
export function eventWhy(t: TFunction, e: Pick<LedgerEvent, 'reasonCode' | 'details'>): string | null {
  const d = e.details;
  const text = t(`eventWhy.${e.reasonCode}`, {
    defaultValue: '',
    days: num(d.noTouchDays) ?? num(d.noOrderDays) ?? num(d.days),
    cap: num(d.cap),
    count: num(d.baseCount),
  });
  return text || null;
}

/**
 * One ledger event in words: the title (what happened), why (the reason code in words and the
 * person's own reason, if any): «Возвращён в копилку: нет касаний 60 дней, правила v7».
 */
export function describeEvent(t: TFunction, e: LedgerEvent, names: Map<number, string>) {
  const who = (id: number | null) => (id === null ? null : (names.get(id) ?? `#${id}`));
  const why = eventWhy(t, e);
  // With a reason in words the title is the event type («Возвращён в копилку»); otherwise the code's own title.
  const title = why
    ? t(`eventWhy.title.${e.type}`, { defaultValue: t(`events.type.${e.type}`, { defaultValue: e.type }) })
    : t(`events.reason.${e.reasonCode}`, {
        defaultValue: t(`events.type.${e.type}`, { defaultValue: e.type }),
      });
  const actor = e.actor.startsWith('user:')
    ? who(Number(e.actor.slice(5)))
    : t('events.system', { job: e.actor.replace(/^system:/, '') });
  const from = who(e.fromManagerId);
  const to = who(e.toManagerId);
  const own = str(e.details.reason) ?? str(e.details.comment);
  const reason = [why, own].filter(Boolean).join(' — ') || null;
  return { title, actor, from, to, reason, policy: t('events.policy', { v: e.policyVersion }) };
}

export function managerNames(list: Manager[] | undefined): Map<number, string> {
  return new Map((list ?? []).map((m) => [m.id, m.name]));
}
