import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, post } from '../../api/client.ts';
import { fmtDate, fmtMoney } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { useManagers } from '../client/api.ts';
import type { Handover, HandoverPlan } from '../disputes/types.ts';

type Kind = 'left' | 'on_leave';
type Strategy = 'round_robin' | 'by_results' | 'manual';
type Assignments = Record<number, number>;
type Receiver = HandoverPlan['plan']['receivers'][number];
type Item = HandoverPlan['plan']['items'][number];

/** «Передача базы» (C16): a head hands a leaving manager's base over; /handover/:id shows an applied one. */
export default function HandoverPage() {
  const { id } = useParams();
  return id ? <HandoverView id={Number(id)} /> : <Wizard />;
}

function Wizard() {
  const { t } = useTranslation();
  const managers = useManagers();
  const [managerId, setManagerId] = useState<number>();
  const [kind, setKind] = useState<Kind>('on_leave');
  const [returnAt, setReturnAt] = useState<Dayjs | null>(null);
  const [strategy, setStrategy] = useState<Strategy>('round_robin');
  const [receivers, setReceivers] = useState<number[]>([]);
  // Manual (R-HAND-1): the head's receiver per client; a client not assigned goes to the pool.
  const [assignments, setAssignments] = useState<Assignments>({});
  const body = (apply: boolean, a: Assignments = assignments) => ({
    managerId,
    kind,
    ...(kind === 'on_leave' && returnAt ? { returnAt: returnAt.format('YYYY-MM-DD') } : {}),
    strategy,
    ...(receivers.length ? { receivers } : {}),
    ...(strategy === 'manual'
      ? {
          assignments: Object.entries(a).map(([clientId, to]) => ({
            clientId: Number(clientId),
            toManagerId: to,
          })),
        }
      : {}),
    apply,
  });
  const preview = useMutation({
    mutationFn: (a?: Assignments) => post<HandoverPlan>('/api/handovers', body(false, a)),
  });
  const apply = useMutation({ mutationFn: () => post<HandoverPlan>('/api/handovers', body(true)) });
  const sellers = (managers.data?.items ?? []).filter((m) => m.role !== 'admin' && m.status === 'active');
  const names = new Map(sellers.map((m) => [m.id, m.name]));
  const choices = sellers
    .filter((m) => m.id !== managerId && (!receivers.length || receivers.includes(m.id)))
    .map((m) => ({ id: m.id, name: m.name }));
  const reset = () => {
    preview.reset();
    apply.reset();
  };
  const assign = (clientId: number, to: number | null) => {
    const next = { ...assignments };
    if (to === null) delete next[clientId];
    else next[clientId] = to;
    setAssignments(next);
    apply.reset();
    preview.mutate(next);
  };

  if (managers.isPending) return <Loading />;
  if (managers.error) return <ErrorAlert error={managers.error} />;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('handover.title')}
      </Typography.Title>
      <Card size="small" title={t('handover.step1')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select<number>
            aria-label={t('handover.manager')}
            placeholder={t('handover.manager')}
            style={{ width: 320 }}
            showSearch
            optionFilterProp="label"
            value={managerId}
            onChange={(v) => {
              setManagerId(v);
              setReceivers((r) => r.filter((x) => x !== v));
              setAssignments({});
              reset();
            }}
            options={sellers.map((m) => ({ value: m.id, label: `${m.name} (${m.baseCount}/${m.cap})` }))}
          />
          <Radio.Group
            aria-label={t('handover.kind')}
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              reset();
            }}
            options={[
              { value: 'left', label: t('handover.kindLeft') },
              { value: 'on_leave', label: t('handover.kindLeave') },
            ]}
          />
          {kind === 'on_leave' ? (
            <DatePicker
              aria-label={t('handover.returnAt')}
              placeholder={t('handover.returnAt')}
              value={returnAt}
              onChange={setReturnAt}
            />
          ) : null}
          <Radio.Group
            aria-label={t('handover.strategy')}
            value={strategy}
            onChange={(e) => {
              setStrategy(e.target.value);
              reset();
            }}
            options={[
              { value: 'round_robin', label: t('handover.roundRobin') },
              { value: 'by_results', label: t('handover.byResults') },
              { value: 'manual', label: t('handover.manual') },
            ]}
          />
          {strategy === 'manual' ? (
            <Typography.Text type="secondary">{t('handover.manualHint')}</Typography.Text>
          ) : null}
          <Select<number[]>
            mode="multiple"
            aria-label={t('handover.receivers')}
            placeholder={t('handover.receiversHint')}
            style={{ width: '100%' }}
            optionFilterProp="label"
            value={receivers}
            onChange={(v) => {
              setReceivers(v);
              setAssignments((a) =>
                Object.fromEntries(Object.entries(a).filter(([, to]) => !v.length || v.includes(to))),
              );
              reset();
            }}
            options={sellers.filter((m) => m.id !== managerId).map((m) => ({ value: m.id, label: m.name }))}
          />
          <Button
            type="primary"
            disabled={!managerId}
            loading={preview.isPending}
            onClick={() => preview.mutate(undefined)}
          >
            {t('handover.preview')}
          </Button>
          {preview.error ? <ErrorAlert error={preview.error} /> : null}
        </Space>
      </Card>
      {preview.data && !apply.data ? (
        <Card
          size="small"
          title={t('handover.step2')}
          extra={
            <Popconfirm
              title={t('handover.confirm', { count: preview.data.plan.items.length })}
              okText={t('handover.apply')}
              onConfirm={() => apply.mutate()}
            >
              <Button type="primary" danger loading={apply.isPending}>
                {t('handover.apply')}
              </Button>
            </Popconfirm>
          }
        >
          <PlanTables
            plan={preview.data.plan}
            names={names}
            manual={strategy === 'manual' ? { choices, assignments, assign } : undefined}
          />
          {apply.error ? <ErrorAlert error={apply.error} /> : null}
        </Card>
      ) : null}
      {apply.data ? (
        <Card size="small" title={t('handover.done')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <PlanTables plan={apply.data.plan} names={names} />
            {apply.data.handoverId ? (
              <Link to={`/handover/${apply.data.handoverId}`}>
                {t('handover.open', { id: apply.data.handoverId })}
              </Link>
            ) : null}
          </Space>
        </Card>
      ) : null}
    </Space>
  );
}

type Manual = {
  choices: { id: number; name: string }[];
  assignments: Assignments;
  assign: (clientId: number, to: number | null) => void;
};

const POOL = 0;

function PlanTables({
  plan,
  names,
  manual,
}: {
  plan: HandoverPlan['plan'];
  names: Map<number, string>;
  manual?: Manual | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Receivers items={plan.receivers} />
      <Typography.Text>{t('handover.toPool', { count: plan.toPool })}</Typography.Text>
      <Table<Item>
        aria-label={t('handover.clients')}
        rowKey={(r) => `${r.clientId}:${r.lineId}`}
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={plan.items}
        locale={{ emptyText: <EmptyState text={t('handover.noClients')} /> }}
        columns={[
          {
            title: t('handover.col.client'),
            dataIndex: 'displayName',
            render: (v: string, r) => <Link to={`/clients/${r.clientId}`}>{v}</Link>,
          },
          {
            title: t('handover.col.to'),
            dataIndex: 'toManagerId',
            render: (v: number | null, r) =>
              manual ? (
                <Select<number>
                  aria-label={t('handover.assignTo', { name: r.displayName })}
                  size="small"
                  style={{ width: 220 }}
                  value={manual.assignments[r.clientId] ?? POOL}
                  onChange={(to) => manual.assign(r.clientId, to === POOL ? null : to)}
                  options={[
                    { value: POOL, label: t('handover.pool') },
                    ...manual.choices.map((c) => ({ value: c.id, label: c.name })),
                  ]}
                />
              ) : v ? (
                (names.get(v) ?? `#${v}`)
              ) : (
                t('handover.pool')
              ),
          },
          {
            title: t('handover.col.flags'),
            render: (_, r) => (
              <>
                {r.key ? <Tag color="gold">{t('handover.key')}</Tag> : null}
                {r.overCap ? <Tag color="red">{t('handover.overCap')}</Tag> : null}
              </>
            ),
          },
        ]}
      />
    </Space>
  );
}

function Receivers({ items }: { items: Receiver[] }) {
  const { t } = useTranslation();
  return (
    <Table<Receiver>
      aria-label={t('handover.receiversTable')}
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={items}
      locale={{ emptyText: <EmptyState text={t('handover.noReceivers')} /> }}
      columns={[
        { title: t('handover.col.receiver'), dataIndex: 'name' },
        { title: t('handover.col.base'), dataIndex: 'base' },
        { title: t('handover.col.receiving'), dataIndex: 'receiving' },
        {
          title: t('handover.col.newBase'),
          render: (_, r) => (
            <Typography.Text type={r.overCap ? 'danger' : undefined} strong={r.overCap}>
              {r.newBase} / {r.cap}
              {r.overCap ? ` · ${t('handover.overCap')}` : ''}
            </Typography.Text>
          ),
        },
        { title: t('handover.col.revenue'), dataIndex: 'revenueKopecks', render: (v: number) => fmtMoney(v) },
      ]}
    />
  );
}

type ViewItem = Handover['items'][number];

function HandoverView({ id }: { id: number }) {
  const { t } = useTranslation();
  const managers = useManagers();
  const h = useQuery({ queryKey: ['handover', id], queryFn: () => get<Handover>(`/api/handovers/${id}`) });
  if (h.isPending) return <Loading />;
  if (h.error) return <ErrorAlert error={h.error} />;
  const x = h.data;
  const names = new Map((managers.data?.items ?? []).map((m) => [m.id, m.name]));
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/handover">← {t('handover.back')}</Link>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('handover.viewTitle', { id: x.id, name: names.get(x.managerId) ?? `#${x.managerId}` })}
      </Typography.Title>
      <Descriptions size="small" bordered column={2}>
        <Descriptions.Item label={t('handover.kind')}>
          {x.kind === 'left' ? t('handover.kindLeft') : t('handover.kindLeave')}
        </Descriptions.Item>
        <Descriptions.Item label={t('handover.returnAt')}>{fmtDate(x.returnAt)}</Descriptions.Item>
        <Descriptions.Item label={t('handover.strategy')}>
          {x.strategy === 'by_results'
            ? t('handover.byResults')
            : x.strategy === 'manual'
              ? t('handover.manual')
              : t('handover.roundRobin')}
        </Descriptions.Item>
        <Descriptions.Item label={t('handover.status')}>
          {t(`handover.statuses.${x.status}`)}
        </Descriptions.Item>
      </Descriptions>
      <Receivers items={x.receivers} />
      <Table<ViewItem>
        aria-label={t('handover.clients')}
        rowKey={(r) => `${r.clientId}:${r.lineId}`}
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={x.items}
        columns={[
          {
            title: t('handover.col.client'),
            dataIndex: 'displayName',
            render: (v: string, r) => <Link to={`/clients/${r.clientId}`}>{v}</Link>,
          },
          {
            title: t('handover.col.to'),
            dataIndex: 'toManagerId',
            render: (v: number | null) => (v ? (names.get(v) ?? `#${v}`) : t('handover.pool')),
          },
          { title: t('handover.col.revenueBefore'), render: (_, r) => fmtMoney(r.before.revenueKopecks) },
          { title: t('handover.col.revenueAfter'), render: (_, r) => fmtMoney(r.after.revenueKopecks) },
          { title: t('handover.col.touchesBefore'), render: (_, r) => r.before.touches },
          { title: t('handover.col.touchesAfter'), render: (_, r) => r.after.touches },
        ]}
      />
    </Space>
  );
}
