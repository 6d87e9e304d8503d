import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, Col, List, Row, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import { useMe } from '../../app/auth.ts';
import { fmtDate, fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { daysLeftColor, useNudges } from '../activity/api.ts';
import type { Notification, NotificationPage } from '../activity/types.ts';

/** The inbox (C15): newest first, read one or all; beside it the daily list of what to do today. */
export default function NotificationsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const [only, setOnly] = useState<'all' | 'unread'>('all');
  const list = useInfiniteQuery({
    queryKey: ['notifications', 'list', only],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      get<NotificationPage>('/api/notifications', {
        unread: only === 'unread' ? 'true' : undefined,
        cursor: pageParam,
        limit: 50,
      }),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['notifications'] });
  const readOne = useMutation({
    mutationFn: (id: number) => post(`/api/notifications/${id}/read`),
    onSuccess: refresh,
  });
  const readAll = useMutation({ mutationFn: () => post('/api/notifications/read-all'), onSuccess: refresh });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = list.data?.pages[0]?.unreadCount ?? 0;
  const seller = me.data?.role === 'manager' || me.data?.role === 'head';

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('notifications.title')}{' '}
          <Badge count={unread} aria-label={t('notifications.unread', { count: unread })} />
        </Typography.Title>
        <Space>
          <Segmented
            aria-label={t('notifications.filter')}
            value={only}
            onChange={(v) => setOnly(v as 'all' | 'unread')}
            options={[
              { value: 'all', label: t('notifications.all') },
              { value: 'unread', label: t('notifications.onlyUnread') },
            ]}
          />
          <Button disabled={!unread} loading={readAll.isPending} onClick={() => readAll.mutate()}>
            {t('notifications.readAll')}
          </Button>
        </Space>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={seller ? 14 : 24}>
          <Card size="small" title={t('notifications.inbox')}>
            {list.isPending ? <Loading /> : null}
            {list.error ? <ErrorAlert error={list.error} /> : null}
            {readOne.error || readAll.error ? <ErrorAlert error={readOne.error ?? readAll.error} /> : null}
            {list.data ? (
              <section aria-label={t('notifications.inbox')}>
                <List<Notification>
                  aria-label={t('notifications.inbox')}
                  dataSource={items}
                  locale={{ emptyText: <EmptyState text={t('notifications.empty')} /> }}
                  renderItem={(n) => (
                    <List.Item
                      actions={
                        n.readAt
                          ? []
                          : [
                              <Button
                                key="read"
                                size="small"
                                aria-label={t('notifications.markReadOf', { title: n.title })}
                                onClick={() => readOne.mutate(n.id)}
                              >
                                {t('notifications.markRead')}
                              </Button>,
                            ]
                      }
                    >
                      <List.Item.Meta
                        title={
                          <Space>
                            {n.readAt ? null : <Badge status="processing" />}
                            <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
                            {typeof n.payload.clientId === 'number' ? (
                              <Link to={`/clients/${n.payload.clientId}`}>
                                {t('notifications.openClient')}
                              </Link>
                            ) : null}
                          </Space>
                        }
                        description={
                          <>
                            <div>{n.text}</div>
                            <Typography.Text type="secondary">{fmtDateTime(n.createdAt)}</Typography.Text>
                          </>
                        }
                      />
                    </List.Item>
                  )}
                />
              </section>
            ) : null}
            {list.hasNextPage ? (
              <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('activity.more')}
              </Button>
            ) : null}
          </Card>
        </Col>
        {seller ? (
          <Col xs={24} xl={10}>
            <DailyList />
          </Col>
        ) : null}
      </Row>
    </Space>
  );
}

/** «На сегодня»: next steps due, planned but untouched this week, expiring soon, long untouched. */
export function DailyList() {
  const { t } = useTranslation();
  const n = useNudges();
  const link = (id: number, name: string) => <Link to={`/clients/${id}`}>{name}</Link>;
  return (
    <Card size="small" title={t('nudges.title')}>
      {n.isPending ? <Loading /> : null}
      {n.error ? <ErrorAlert error={n.error} /> : null}
      {n.data ? (
        <section aria-label={t('nudges.title')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text strong>
              {t('nudges.nextSteps', { count: n.data.nextStepsDue.length })}
            </Typography.Text>
            {n.data.nextStepsDue.map((s) => (
              <div key={s.touchId}>
                {link(s.clientId, s.displayName)} — {s.nextStep ?? '—'} ({fmtDate(s.nextStepAt)})
              </div>
            ))}
            <Typography.Text strong>
              {t('nudges.planned', { count: n.data.plannedNotTouched.length, week: n.data.isoWeek })}
            </Typography.Text>
            {n.data.plannedNotTouched.map((s) => (
              <div key={s.clientId}>
                {link(s.clientId, s.displayName)}
                {s.goal ? ` — ${s.goal}` : ''}
              </div>
            ))}
            <Typography.Text strong>
              {t('nudges.expiring', { count: n.data.expiringSoon.length })}
            </Typography.Text>
            {n.data.expiringSoon.map((s) => (
              <div key={`${s.clientId}-${s.lineId}`}>
                {link(s.clientId, s.displayName)}{' '}
                <Tag color={daysLeftColor(s.daysLeft)}>
                  {t('expiry.dateLeft', { date: fmtDate(s.expiresAt), days: s.daysLeft })}
                </Tag>
              </div>
            ))}
            <Typography.Text strong>
              {t('nudges.untouched', { count: n.data.untouched.total, days: n.data.untouchedDays })}
            </Typography.Text>
            {n.data.untouched.items.slice(0, 15).map((s) => (
              <div key={s.clientId}>
                {link(s.clientId, s.displayName)} ·{' '}
                {s.lastTouchAt ? fmtDate(s.lastTouchAt) : t('dashboard.never')}
              </div>
            ))}
          </Space>
        </section>
      ) : null}
    </Card>
  );
}
