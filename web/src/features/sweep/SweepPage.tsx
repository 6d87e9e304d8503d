import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import { fmtDate, fmtDateTime, fmtMoney } from '../../ui/format.ts';
import { EmptyState, ErrorAlert } from '../../ui/states.tsx';
import type { CapReview, Expiry, Sweep } from '../activity/types.ts';
import { useManagers } from '../client/api.ts';
import { managerNames } from '../client/events.ts';

type Row = {
  key: string;
  clientId: number;
  ownerId: number;
  what: string;
  rule: string;
  when: string | null;
};

/** Head tools: check what the sweep would return to the pool, then run it; review result-based caps. */
export default function SweepPage() {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('sweep.title')}
      </Typography.Title>
      <SweepCard />
      <CapsCard />
    </Space>
  );
}

function SweepCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const managers = useManagers();
  const names = managerNames(managers.data?.items);
  // Client names of every owned client (the sweep answers with ids only).
  const owned = useQuery({
    queryKey: ['expiry', 'all'],
    queryFn: () => get<Expiry>('/api/expiry', { limit: 5000 }),
    select: (d) => new Map(d.items.map((i) => [i.clientId, i.clientName])),
  });
  const dry = useMutation({ mutationFn: () => post<Sweep>('/api/sweep', { dryRun: true }) });
  const run = useMutation({
    mutationFn: () => post<Sweep>('/api/sweep', { dryRun: false }),
    onSuccess: async (r) => {
      message.success(t('sweep.done', { expired: r.expired.length, surplus: r.surplusReleased.length }));
      dry.reset();
      await qc.invalidateQueries();
    },
  });
  const result = run.data ?? dry.data;
  const rows: Row[] = result
    ? [
        ...result.expired.map((e) => ({
          key: `e${e.clientId}-${e.lineId}`,
          clientId: e.clientId,
          ownerId: e.ownerId,
          what: 'expired',
          rule: e.rule,
          when: null,
        })),
        ...result.surplusReleased.map((e) => ({
          key: `s${e.clientId}-${e.lineId}`,
          clientId: e.clientId,
          ownerId: e.ownerId,
          what: 'surplus',
          rule: e.rule,
          when: null,
        })),
        ...result.warned.map((e) => ({
          key: `w${e.clientId}-${e.lineId}`,
          clientId: e.clientId,
          ownerId: e.ownerId,
          what: 'warned',
          rule: t('sweep.daysBefore', { count: e.daysBefore }),
          when: e.expiresAt,
        })),
      ]
    : [];
  return (
    <Card size="small" title={t('sweep.sweepTitle')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('sweep.sweepHelp')}
        </Typography.Paragraph>
        <Space>
          <Button loading={dry.isPending} onClick={() => dry.mutate()}>
            {t('sweep.dryRun')}
          </Button>
          <Popconfirm
            title={t('sweep.runConfirm')}
            okText={t('sweep.run')}
            cancelText={t('common.cancel')}
            onConfirm={() => run.mutate()}
          >
            <Button danger type="primary" disabled={!dry.data} loading={run.isPending}>
              {t('sweep.run')}
            </Button>
          </Popconfirm>
        </Space>
        {dry.error || run.error ? <ErrorAlert error={dry.error ?? run.error} /> : null}
        {result ? (
          <Alert
            type={result.dryRun ? 'info' : result.ran ? 'success' : 'warning'}
            showIcon
            message={
              !result.ran && !result.dryRun
                ? t('sweep.busy')
                : t(result.dryRun ? 'sweep.summaryDry' : 'sweep.summaryRan', {
                    candidates: result.candidates,
                    expired: result.expired.length,
                    surplus: result.surplusReleased.length,
                    warned: result.warned.length,
                    at: fmtDateTime(result.now),
                    v: result.policyVersion,
                  })
            }
          />
        ) : null}
        {result ? (
          <Table<Row>
            aria-label={t('sweep.resultTable')}
            size="small"
            dataSource={rows}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: <EmptyState text={t('sweep.nothing')} /> }}
            columns={[
              {
                title: t('sweep.col.client'),
                dataIndex: 'clientId',
                render: (id: number) => (
                  <Link to={`/clients/${id}`}>{owned.data?.get(id) ?? t('sweep.clientNo', { id })}</Link>
                ),
              },
              {
                title: t('sweep.col.owner'),
                dataIndex: 'ownerId',
                render: (id: number) => names.get(id) ?? `#${id}`,
              },
              {
                title: t('sweep.col.what'),
                dataIndex: 'what',
                render: (w: string) => (
                  <Tag color={w === 'warned' ? 'orange' : 'red'}>{t(`sweep.what.${w}`)}</Tag>
                ),
              },
              { title: t('sweep.col.rule'), dataIndex: 'rule' },
              {
                title: t('sweep.col.expiresAt'),
                dataIndex: 'when',
                render: (v: string | null) => fmtDate(v),
              },
            ]}
          />
        ) : null}
      </Space>
    </Card>
  );
}

function CapsCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const dry = useMutation({ mutationFn: () => post<CapReview>('/api/caps/review', { dryRun: true }) });
  const apply = useMutation({
    mutationFn: () => post<CapReview>('/api/caps/review', { dryRun: false }),
    onSuccess: async (r) => {
      message.success(r.applied ? t('caps.applied') : t('caps.notApplied'));
      await qc.invalidateQueries({ queryKey: ['managers'] });
      await qc.invalidateQueries({ queryKey: ['analytics'] });
    },
  });
  const result = apply.data ?? dry.data;
  type Review = CapReview['reviews'][number];
  return (
    <Card size="small" title={t('caps.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('caps.help')}
        </Typography.Paragraph>
        <Space>
          <Button loading={dry.isPending} onClick={() => dry.mutate()}>
            {t('caps.dryRun')}
          </Button>
          <Popconfirm
            title={t('caps.applyConfirm')}
            okText={t('caps.apply')}
            cancelText={t('common.cancel')}
            onConfirm={() => apply.mutate()}
          >
            <Button type="primary" disabled={!dry.data} loading={apply.isPending}>
              {t('caps.apply')}
            </Button>
          </Popconfirm>
        </Space>
        {dry.error || apply.error ? <ErrorAlert error={dry.error ?? apply.error} /> : null}
        {result && apply.data && !apply.data.applied ? (
          <Alert type="warning" showIcon message={t('caps.notApplied')} />
        ) : null}
        {result ? (
          <Table<Review>
            aria-label={t('caps.table')}
            rowKey="managerId"
            size="small"
            dataSource={result.reviews}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: <EmptyState text={t('caps.nothing')} /> }}
            columns={[
              { title: t('caps.col.manager'), dataIndex: 'managerName' },
              {
                title: t('caps.col.results'),
                render: (_: unknown, r) =>
                  t('caps.results', {
                    orders: r.results.orders,
                    revenue: fmtMoney(r.results.revenueKopecks),
                  }),
              },
              { title: t('caps.col.tier'), dataIndex: 'tier', render: (v: number | null) => v ?? '—' },
              {
                title: t('caps.col.cap'),
                render: (_: unknown, r) =>
                  r.oldCap === r.newCap ? (
                    r.newCap
                  ) : (
                    <Tag color={r.newCap < r.oldCap ? 'red' : 'green'}>
                      {r.oldCap} → {r.newCap}
                    </Tag>
                  ),
              },
              { title: t('caps.col.base'), dataIndex: 'baseCount' },
              {
                title: t('caps.col.deadline'),
                dataIndex: 'releaseDeadline',
                render: (v: string | null) => fmtDate(v),
              },
            ]}
          />
        ) : null}
      </Space>
    </Card>
  );
}
