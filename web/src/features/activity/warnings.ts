import type { TFunction } from 'i18next';
import { fmtDate } from '../../ui/format.ts';
import type { Warning } from './types.ts';

/** One voice (R-VOICE-1/2) in the user's language: who owns the client, who called last and when. */
export function warningText(t: TFunction, w: Warning): string {
  const d = w.details;
  if (w.code === 'NON_OWNER_OUTREACH') {
    const names = Array.isArray(d.ownerNames) ? (d.ownerNames as (string | null)[]).filter(Boolean) : [];
    return t('activity.warning.NON_OWNER_OUTREACH', { owners: names.join(', ') || '—', rule: w.rule });
  }
  return t('activity.warning.CONTACT_COOLDOWN', {
    who: typeof d.lastAuthorName === 'string' ? d.lastAuthorName : '—',
    date: typeof d.lastAt === 'string' ? fmtDate(d.lastAt) : '—',
    kind: t(`activity.kind.${String(d.lastKind)}`, { defaultValue: String(d.lastKind) }),
    days: d.cooldownDays,
    rule: w.rule,
  });
}
