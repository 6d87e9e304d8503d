import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Space, Table, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import type { Review } from '../../api/types.ts';
import { useMe } from '../../app/auth.ts';
import { fmtDate, fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { reasonsText } from '../identity/reasonText.ts';

const clientLink = (id: number, name: string) => <Link to={`/clients/${id}`}>{name}</Link>;

/** Проверка базы (C23): what in the base needs a person's attention. */
export default function ReviewPage() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const review = useQuery({
    queryKey: ['review'],
    queryFn: () => get<Review>('/api/review', { limit: 200 }),
    // While a duplicate scan runs, look again every few seconds.
    refetchInterval: (q) => (q.state.data?.duplicateScan.scanRunningSince ? 5000 : false),
  });
  const scan = useMutation({
    mutationFn: () => post<{ started: boolean }>('/api/review/duplicate-scan'),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['review'] }),
  });
  if (review.isPending) return <Loading />;
  if (review.error) return <ErrorAlert error={review.error} />;
  const r = review.data;
  const ds = r.duplicateScan;
  const isHead = me.data?.role === 'head';
  const empty = { emptyText: <EmptyState text={t('review.nothing')} /> };
  const tab = (key: keyof Review['counts'], children: React.ReactNode) => ({
    key,
    label: (
      <span>
        {t(`review.tab.${key}`)}{' '}
        <Badge count={r.counts[key]} showZero color={r.counts[key] ? '#d48806' : '#bfbfbf'} />
      </span>
    ),
    children,
  });
  return (
    <div>
      <Typography.Title level={2}>{t('review.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('review.explain', { days: r.untouchedDays, date: fmtDate(r.untouchedSince) })}
      </Typography.Paragraph>
      <Tabs
        items={[
          tab(
            'invalidIdentifiers',
            <Table
              rowKey={(x) => `${x.legalEntityId}-${x.field}`}
              size="small"
              locale={empty}
              dataSource={r.invalidIdentifiers}
              columns={[
                {
                  title: t('review.col.client'),
                  render: (_: unknown, x) => clientLink(x.clientId, x.displayName),
                },
                { title: t('review.col.legalEntity'), dataIndex: 'legalEntityName' },
                { title: t('review.col.field'), dataIndex: 'field', render: (v: string) => v.toUpperCase() },
                { title: t('review.col.value'), dataIndex: 'value' },
                { title: t('review.col.error'), dataIndex: 'error' },
              ]}
            />,
          ),
          tab(
            'unparseablePhones',
            <Table
              rowKey={(x) => `${x.contactId}-${x.value}`}
              size="small"
              locale={empty}
              dataSource={r.unparseablePhones}
              columns={[
                {
                  title: t('review.col.client'),
                  render: (_: unknown, x) => clientLink(x.clientId, x.displayName),
                },
                { title: t('review.col.contact'), dataIndex: 'contactName' },
                { title: t('review.col.value'), dataIndex: 'value' },
                { title: t('review.col.error'), dataIndex: 'error' },
              ]}
            />,
          ),
          tab(
            'staleContacts',
            <Table
              rowKey="contactId"
              size="small"
              locale={empty}
              dataSource={r.staleContacts}
              columns={[
                {
                  title: t('review.col.client'),
                  render: (_: unknown, x) => clientLink(x.clientId, x.displayName),
                },
                { title: t('review.col.contact'), dataIndex: 'contactName' },
                {
                  title: t('review.col.createdAt'),
                  dataIndex: 'createdAt',
                  render: (v: string) => fmtDate(v),
                },
                {
                  title: t('review.col.lastTouch'),
                  dataIndex: 'lastTouchAt',
                  render: (v: string | null) => fmtDate(v),
                },
              ]}
            />,
          ),
          tab(
            'staleLegalEntities',
            <Table
              rowKey="legalEntityId"
              size="small"
              locale={empty}
              dataSource={r.staleLegalEntities}
              columns={[
                {
                  title: t('review.col.client'),
                  render: (_: unknown, x) => clientLink(x.clientId, x.displayName),
                },
                { title: t('review.col.legalEntity'), dataIndex: 'legalEntityName' },
                { title: 'ИНН', dataIndex: 'inn', render: (v: string | null) => v ?? '—' },
                {
                  title: t('review.col.lastTouch'),
                  dataIndex: 'lastTouchAt',
                  render: (v: string | null) => fmtDate(v),
                },
              ]}
            />,
          ),
          tab(
            'likelyDuplicates',
            <>
              {ds.scanProblem ? (
                <Typography.Paragraph type="warning">
                  {ds.scanProblem.code === 'BASE_TOO_LARGE'
                    ? t('review.scan.tooLarge', {
                        clients: ds.scanProblem.clients,
                        mb: ds.scanProblem.heapLimitMb,
                      })
                    : t('review.scan.failed', { message: ds.scanProblem.message })}
                </Typography.Paragraph>
              ) : null}
              {ds.source === 'live' && !ds.scanRunningSince ? null : (
                <Space style={{ marginBottom: 12 }} wrap>
                  <Typography.Text type="secondary">
                    {ds.scanRunningSince
                      ? t('review.scan.running', { since: fmtDateTime(ds.scanRunningSince) })
                      : ds.source === 'scan'
                        ? t('review.scan.asOf', { date: fmtDateTime(ds.scannedAt) })
                        : t('review.scan.none')}
                  </Typography.Text>
                  {isHead && ds.source !== 'live' ? (
                    <Button
                      size="small"
                      loading={scan.isPending}
                      disabled={ds.scanRunningSince !== null}
                      onClick={() => scan.mutate()}
                    >
                      {t('review.scan.recount')}
                    </Button>
                  ) : null}
                  {scan.error ? <ErrorAlert error={scan.error} /> : null}
                </Space>
              )}
              <Table
                rowKey={(x) => x.clients.join('-')}
                size="small"
                locale={empty}
                dataSource={r.likelyDuplicates}
                columns={[
                  {
                    title: t('review.col.clients'),
                    dataIndex: 'clients',
                    render: (ids: number[]) =>
                      ids.map((id, i) => (
                        <span key={id}>
                          {i ? ', ' : ''}
                          <Link to={`/clients/${id}`}>#{id}</Link>
                        </span>
                      )),
                  },
                  { title: t('review.col.score'), dataIndex: 'score', render: (v: number) => v.toFixed(2) },
                  {
                    title: t('review.col.reasons'),
                    key: 'reasons',
                    render: (_: unknown, x) => reasonsText(t, x.reasonCodes),
                  },
                ]}
              />
            </>,
          ),
          tab(
            'forcedDuplicates',
            <Table
              rowKey="overrideId"
              size="small"
              locale={empty}
              dataSource={r.forcedDuplicates}
              columns={[
                {
                  title: t('review.col.client'),
                  render: (_: unknown, x) => clientLink(x.clientId, x.displayName),
                },
                {
                  title: t('review.col.created'),
                  dataIndex: 'occurredAt',
                  render: (v: string) => fmtDate(v),
                },
                {
                  title: t('review.col.actor'),
                  render: (_: unknown, x) => x.actorName ?? `#${x.actorId}`,
                },
                { title: t('review.col.forceReason'), dataIndex: 'reason' },
                {
                  title: t('review.col.matched'),
                  key: 'matched',
                  render: (_: unknown, x) =>
                    x.matched.map((m) => (
                      <div key={m.clientId}>
                        {clientLink(m.clientId, m.displayName)}: {reasonsText(t, m.reasons)}
                      </div>
                    )),
                },
              ]}
            />,
          ),
        ]}
      />
    </div>
  );
}
