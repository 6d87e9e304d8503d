import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { DASH, fmtDate, isFuture } from './format.ts';

export function ProtectionBadge({ until }: { until: string | null }) {
  const { t } = useTranslation();
  if (!isFuture(until)) return <span>{DASH}</span>;
  return <Tag color="green">{t('base.protectedUntil', { date: fmtDate(until) })}</Tag>;
}
