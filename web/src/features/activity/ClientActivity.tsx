import { Alert, Card, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClientCard } from '../../api/types.ts';
import { SELLERS, useMe } from '../../app/auth.ts';
import { fmtDate } from '../../ui/format.ts';
import { ActivityTimeline } from './ActivityTimeline.tsx';
import { DealsCard } from './DealsCard.tsx';
import { ExpiryPanel } from './ExpiryPanel.tsx';
import { LogTouchForm } from './LogTouchForm.tsx';

/** The client card's activity: last contact, expiry, logging a touch, touches + ownership, deals. */
export function ClientActivity({ card }: { card: ClientCard }) {
  const { t } = useTranslation();
  const me = useMe();
  const role = me.data?.role;
  const isSeller = !!role && SELLERS.includes(role);
  const lc = card.lastContact;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Alert
        type={lc ? 'info' : 'warning'}
        showIcon
        message={
          lc
            ? t('activity.lastContact', {
                date: fmtDate(lc.occurredAt),
                who: lc.authorName,
                how: t(`activity.kind.${lc.kind}`, { defaultValue: lc.kind }),
              })
            : t('activity.noContact')
        }
      />
      {isSeller ? <ExpiryPanel card={card} isHead={role === 'head'} meId={me.data!.id} /> : null}
      {isSeller ? (
        <Card title={t('activity.logTouch')} size="small">
          <LogTouchForm card={card} />
        </Card>
      ) : null}
      <Card title={t('activity.timeline')} size="small">
        <ActivityTimeline clientId={card.id} />
      </Card>
      <Card title={t('deals.title')} size="small">
        <DealsCard clientId={card.id} canEdit={isSeller} />
      </Card>
    </Space>
  );
}
