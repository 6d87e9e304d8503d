import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Segmented, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client.ts';
import { fmtDate, fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { useManagers } from '../client/api.ts';
import { describeEvent, managerNames } from '../client/events.ts';
import type { HistoryItem, HistoryPage } from './types.ts';

type Include = 'all' | 'touches' | 'ownership';

/** Touches and ownership events of one client, newest first, interleaved by the server (/history). */
export function ActivityTimeline({ clientId }: { clientId: number }) {
  const { t } = useTranslation();
  const [include, setInclude] = useState<Include>('all');
  const managers = useManagers();
  const names = managerNames(managers.data?.items);
  const q = useInfiniteQuery({
    queryKey: ['activity', clientId, 'history', include],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<HistoryPage>(`/api/clients/${clientId}/history`, {
        order: 'desc',
        limit: 50,
        include,
        cursor: pageParam,
      }),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented<Include>
        aria-label={t('activity.timelineFilter')}
        size="small"
        value={include}
        onChange={setInclude}
        options={[
          { value: 'all', label: t('activity.include.all') },
          { value: 'touches', label: t('activity.include.touches') },
          { value: 'ownership', label: t('activity.include.ownership') },
        ]}
      />
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorAlert error={q.error} /> : null}
      {q.data && !items.length ? <EmptyState text={t('activity.noHistory')} /> : null}
      {items.length ? (
        <section aria-label={t('activity.timeline')}>
          <Timeline
            items={items.map((e) => ({
              key: `${e.entry}-${e.id}`,
              color: e.entry === 'touch' ? 'green' : e.toManagerId === null ? 'gray' : 'blue',
              children: <Entry e={e} names={names} />,
            }))}
          />
        </section>
      ) : null}
      {q.hasNextPage ? (
        <Button onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('activity.more')}
        </Button>
      ) : null}
    </Space>
  );
}

function Entry({ e, names }: { e: HistoryItem; names: Map<number, string> }) {
  const { t } = useTranslation();
  if (e.entry === 'touch') {
    return (
      <div>
        <Space size={4} wrap>
          <Tag color="green">{t(`activity.kind.${e.kind}`)}</Tag>
          <Typography.Text strong>
            {t(`activity.direction.${e.direction}`)}
            {e.outcome ? ` · ${t(`activity.outcome.${e.outcome}`)}` : ''}
          </Typography.Text>
          {e.contactName ? <Typography.Text>· {e.contactName}</Typography.Text> : null}
        </Space>
        {e.body ? <Typography.Paragraph style={{ margin: '4px 0' }}>{e.body}</Typography.Paragraph> : null}
        {e.nextStep ? (
          <div>
            <Typography.Text>
              {e.nextStepAt
                ? t('activity.nextStepLine', { step: e.nextStep, date: fmtDate(e.nextStepAt) })
                : t('activity.nextStepOnly', { step: e.nextStep })}
            </Typography.Text>
          </div>
        ) : null}
        <Typography.Text type="secondary">
          {fmtDateTime(e.occurredAt)} · {t('events.by', { name: e.authorName })}
        </Typography.Text>
      </div>
    );
  }
  const d = describeEvent(t, e, names);
  return (
    <div>
      <Typography.Text strong>{d.title}</Typography.Text>
      <Typography.Text>
        {d.reason ? `: ${d.reason}` : ''}, {d.policy}
      </Typography.Text>
      <div>
        <Typography.Text type="secondary">
          {fmtDateTime(e.occurredAt)}
          {d.to ? ` · ${t('events.to', { name: d.to })}` : ''}
          {d.from ? ` · ${t('events.from', { name: d.from })}` : ''}
          {d.actor ? ` · ${t('events.by', { name: d.actor })}` : ''}
        </Typography.Text>
      </div>
    </div>
  );
}
