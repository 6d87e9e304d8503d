import { Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { DASH, fmtDate } from '../../ui/format.ts';
import { daysLeftColor } from './api.ts';
import type { ExpiryItem } from './types.ts';

/** «Дней до возврата» in the base table: red at ≤ 7, orange at ≤ 14; what holds the client, if anything. */
export function ExpiryDays({ item }: { item: ExpiryItem | undefined }) {
  const { t } = useTranslation();
  if (!item) return <span>{DASH}</span>;
  return (
    <Space size={4} wrap>
      <Tooltip title={t('expiry.tooltip', { date: fmtDate(item.expiresAt), rule: item.rule })}>
        <Tag color={daysLeftColor(item.daysLeft)} aria-label={t('expiry.daysAria', { count: item.daysLeft })}>
          {t('expiry.days', { count: item.daysLeft })}
        </Tag>
      </Tooltip>
      {item.heldBy ? <Tag color="green">{t(`expiry.heldBy.${item.heldBy}`)}</Tag> : null}
    </Space>
  );
}
