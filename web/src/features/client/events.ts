import type { TFunction } from 'i18next';
import type { LedgerEvent, Manager } from '../../api/types.ts';

/** One ledger event in words: «Возвращён в копилку: Мария М. · правила v7». */
export function describeEvent(t: TFunction, e: LedgerEvent, names: Map<number, string>) {
  const who = (id: number | null) => (id === null ? null : (names.get(id) ?? `#${id}`));
  const title = t(`events.reason.${e.reasonCode}`, {
    defaultValue: t(`events.type.${e.type}`, { defaultValue: e.type }),
  });
  const actor = e.actor.startsWith('user:')
    ? who(Number(e.actor.slice(5)))
    : t('events.system', { job: e.actor.replace(/^system:/, '') });
  const from = who(e.fromManagerId);
  const to = who(e.toManagerId);
  const reason = typeof e.details.reason === 'string' ? e.details.reason : null;
  return { title, actor, from, to, reason };
}

export function managerNames(list: Manager[] | undefined): Map<number, string> {
  return new Map((list ?? []).map((m) => [m.id, m.name]));
}
