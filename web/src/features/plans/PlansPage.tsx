import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isoWeekOf, isoWeekRange } from '../../../../src/core/activity/iso-week.ts';
import { get, put } from '../../api/client.ts';
import type { BaseOut, ClientListItem, Page } from '../../api/types.ts';
import { useMe } from '../../app/auth.ts';
import { fmtDate, fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { useDebounced } from '../../ui/useDebounced.ts';
import { useManagers } from '../client/api.ts';
import type { Plan, PlanReport } from '../activity/types.ts';

const WEEK = 7 * 86_400_000;
type Item = { clientId: number; displayName: string; goal: string };

function shiftWeek(week: string, by: number): string {
  const r = isoWeekRange(week);
  return r ? isoWeekOf(new Date(r.start.getTime() + by * WEEK + 3 * 86_400_000)) : week;
}

/** «План недели» (C13): whom to work this ISO week and why; plan vs fact for the week. */
export default function PlansPage() {
  const { t } = useTranslation();
  const me = useMe();
  const isHead = me.data?.role === 'head';
  const managers = useManagers();
  const [week, setWeek] = useState(() => isoWeekOf(new Date()));
  const [managerId, setManagerId] = useState<number | undefined>(me.data?.id);
  const range = isoWeekRange(week);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('plans.title')}
        </Typography.Title>
        <Space wrap>
          {isHead ? (
            <Select<number>
              aria-label={t('plans.manager')}
              style={{ width: 240 }}
              showSearch
              optionFilterProp="label"
              value={managerId}
              onChange={setManagerId}
              options={(managers.data?.items ?? [])
                .filter((m) => m.role !== 'admin' && m.status === 'active')
                .map((m) => ({ value: m.id, label: m.name }))}
            />
          ) : null}
          <Button aria-label={t('plans.prevWeek')} onClick={() => setWeek((w) => shiftWeek(w, -1))}>
            ←
          </Button>
          <Typography.Text strong aria-live="polite">
            {t('plans.week', {
              week,
              from: fmtDate(range?.start.toISOString()),
              to: fmtDate(range ? new Date(range.end.getTime() - 1).toISOString() : null),
            })}
          </Typography.Text>
          <Button aria-label={t('plans.nextWeek')} onClick={() => setWeek((w) => shiftWeek(w, 1))}>
            →
          </Button>
          <Button onClick={() => setWeek(isoWeekOf(new Date()))}>{t('plans.thisWeek')}</Button>
        </Space>
      </Space>
      {managerId ? (
        <PlanEditor managerId={managerId} week={week} canEdit={isHead || managerId === me.data?.id} />
      ) : null}
      <PlanReportCard week={week} managerId={isHead ? undefined : managerId} />
    </Space>
  );
}

function PlanEditor({ managerId, week, canEdit }: { managerId: number; week: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const plan = useQuery({
    queryKey: ['plans', managerId, week],
    queryFn: () => get<Plan>(`/api/plans/${managerId}/${week}`),
  });
  const [items, setItems] = useState<Item[]>([]);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (plan.data) {
      setItems(plan.data.items);
      setDirty(false);
    }
  }, [plan.data]);
  const save = useMutation({
    mutationFn: () =>
      put<Plan>(`/api/plans/${managerId}/${week}`, {
        items: items.map((i) => ({ clientId: i.clientId, goal: i.goal })),
      }),
    onSuccess: async (p) => {
      message.success(t('plans.saved', { count: p.items.length }));
      qc.setQueryData(['plans', managerId, week], p);
      await qc.invalidateQueries({ queryKey: ['plans', 'report'] });
      await qc.invalidateQueries({ queryKey: ['nudges'] });
    },
  });
  const change = (next: Item[]) => {
    setItems(next);
    setDirty(true);
  };

  if (plan.isPending) return <Loading />;
  if (plan.error) return <ErrorAlert error={plan.error} />;
  return (
    <Card
      size="small"
      title={t('plans.planOf', { name: plan.data.managerName })}
      extra={
        plan.data.updatedAt ? (
          <Typography.Text type="secondary">
            {t('plans.updatedAt', { date: fmtDateTime(plan.data.updatedAt) })}
          </Typography.Text>
        ) : null
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {canEdit ? (
          <ClientPicker
            managerId={managerId}
            exclude={new Set(items.map((i) => i.clientId))}
            onPick={(c) => change([...items, { clientId: c.id, displayName: c.displayName, goal: '' }])}
          />
        ) : null}
        <Table<Item>
          aria-label={t('plans.items')}
          rowKey="clientId"
          size="small"
          pagination={false}
          dataSource={items}
          locale={{ emptyText: <EmptyState text={t('plans.empty')} /> }}
          columns={[
            {
              title: t('plans.col.client'),
              dataIndex: 'displayName',
              render: (v: string, r) => <Link to={`/clients/${r.clientId}`}>{v}</Link>,
            },
            {
              title: t('plans.col.goal'),
              dataIndex: 'goal',
              render: (v: string, r) =>
                canEdit ? (
                  <Input
                    aria-label={t('plans.goalOf', { name: r.displayName })}
                    value={v}
                    maxLength={1000}
                    placeholder={t('plans.goalPlaceholder')}
                    onChange={(e) =>
                      change(
                        items.map((i) => (i.clientId === r.clientId ? { ...i, goal: e.target.value } : i)),
                      )
                    }
                  />
                ) : (
                  v
                ),
            },
            ...(canEdit
              ? [
                  {
                    title: '',
                    key: 'remove',
                    width: 100,
                    render: (_: unknown, r: Item) => (
                      <Button
                        size="small"
                        aria-label={t('plans.removeOf', { name: r.displayName })}
                        onClick={() => change(items.filter((i) => i.clientId !== r.clientId))}
                      >
                        {t('plans.remove')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {save.error ? <ErrorAlert error={save.error} /> : null}
        {canEdit ? (
          <Space>
            <Button type="primary" disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()}>
              {t('plans.save')}
            </Button>
            {dirty ? <Tag color="orange">{t('plans.unsaved')}</Tag> : null}
          </Space>
        ) : null}
      </Space>
    </Card>
  );
}

/** Search the manager's own base and the pool (R-PLAN-1: a plan holds own or pool clients). */
function ClientPicker({
  managerId,
  exclude,
  onPick,
}: {
  managerId: number;
  exclude: Set<number>;
  onPick: (c: ClientListItem) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const dq = useDebounced(q.trim(), 250);
  const base = useQuery({
    queryKey: ['base', managerId],
    queryFn: () => get<BaseOut>(`/api/managers/${managerId}/base`, { limit: 500 }),
  });
  const pool = useQuery({
    queryKey: ['pool', 'search', dq],
    enabled: dq.length >= 2,
    queryFn: () => get<Page<ClientListItem>>('/api/pool', { q: dq, limit: 20 }),
  });
  const options = useMemo(() => {
    const needle = dq.toLocaleLowerCase('ru');
    const own = (base.data?.items ?? [])
      .filter(
        (c) => !exclude.has(c.id) && (!needle || c.displayName.toLocaleLowerCase('ru').includes(needle)),
      )
      .slice(0, 30);
    const fromPool = (pool.data?.items ?? []).filter((c) => !exclude.has(c.id));
    return [
      { label: t('plans.ownBase'), options: own.map((c) => ({ value: c.id, label: c.displayName, c })) },
      { label: t('plans.pool'), options: fromPool.map((c) => ({ value: c.id, label: c.displayName, c })) },
    ];
  }, [base.data, pool.data, dq, exclude, t]);
  return (
    <Select
      aria-label={t('plans.addClient')}
      placeholder={t('plans.addClient')}
      showSearch
      filterOption={false}
      onSearch={setQ}
      searchValue={q}
      value={null}
      loading={base.isPending || pool.isFetching}
      style={{ width: 420 }}
      options={options}
      notFoundContent={t('plans.nothingFound')}
      onChange={(_, opt) => {
        const o = opt as unknown as { c?: ClientListItem };
        if (o?.c) onPick(o.c);
        setQ('');
      }}
    />
  );
}

function PlanReportCard({ week, managerId }: { week: string; managerId?: number }) {
  const { t } = useTranslation();
  const report = useQuery({
    queryKey: ['plans', 'report', week, managerId ?? 'all'],
    queryFn: () => get<PlanReport>('/api/plans/report', { week, manager: managerId }),
  });
  type Row = PlanReport['managers'][number];
  return (
    <Card size="small" title={t('plans.reportTitle')}>
      {report.isPending ? <Loading /> : null}
      {report.error ? <ErrorAlert error={report.error} /> : null}
      {report.data ? (
        <Table<Row>
          aria-label={t('plans.reportTitle')}
          rowKey="managerId"
          size="small"
          dataSource={report.data.managers}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <EmptyState text={t('plans.reportEmpty')} /> }}
          expandable={{
            rowExpandable: (r) => r.items.length > 0,
            expandedRowRender: (r) => (
              <Table
                aria-label={t('plans.reportItemsOf', { name: r.managerName })}
                rowKey="clientId"
                size="small"
                pagination={false}
                dataSource={r.items}
                columns={[
                  {
                    title: t('plans.col.client'),
                    dataIndex: 'displayName',
                    render: (v: string, i) => <Link to={`/clients/${i.clientId}`}>{v}</Link>,
                  },
                  { title: t('plans.col.goal'), dataIndex: 'goal' },
                  {
                    title: t('plans.col.fact'),
                    key: 'fact',
                    render: (_: unknown, i) =>
                      i.touches.length ? (
                        i.touches.map((x) => (
                          <Tag key={x.id} color="green">
                            {t(`activity.kind.${x.kind}`, { defaultValue: x.kind })} {fmtDate(x.occurredAt)}
                          </Tag>
                        ))
                      ) : (
                        <Tag color="red">{t('plans.notTouched')}</Tag>
                      ),
                  },
                ]}
              />
            ),
          }}
          columns={[
            { title: t('plans.col.manager'), dataIndex: 'managerName' },
            { title: t('plans.col.planned'), dataIndex: 'planned' },
            {
              title: t('plans.col.touched'),
              dataIndex: 'touched',
              render: (v: number, r) => `${v} / ${r.planned}`,
            },
            { title: t('plans.col.unplanned'), dataIndex: 'unplannedTouched' },
          ]}
        />
      ) : null}
    </Card>
  );
}
