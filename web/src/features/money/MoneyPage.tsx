import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Input, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, withQuery } from '../../api/client.ts';
import { useMe } from '../../app/auth.ts';
import { fmtDate, fmtMoney, fmtNumber } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { type ChartOption, EChart } from '../dashboard/EChart.tsx';
import {
  BUCKETS,
  type Commission,
  type CommissionLine,
  type CommissionRow,
  type OverdueOrder,
  type ReceivableRow,
  type Receivables,
} from './types.ts';

const BUCKET_COLORS = ['#f6c445', '#f0883e', '#e0533d', '#a8071a'];

function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

// Commission is paid to the kopeck: the money here shows kopecks (ru-RU, ₽).
const rubFmt = new Intl.NumberFormat('ru-RU', {
  style: 'currency',
  currency: 'RUB',
  minimumFractionDigits: 2,
});
const rub = (kopecks: number) => rubFmt.format(kopecks / 100);
const pct = (bps: number) => `${fmtNumber(bps / 100)} %`;

/**
 * «Комиссия и дебиторка» (C12, C22): the month's commission per manager with a drill-down to the
 * orders and their credit shares, the export as XLSX/CSV, and overdue orders in aging buckets.
 * The server scopes the figures: a manager gets their own, a head everyone.
 */
export default function MoneyPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [month, setMonth] = useState(thisMonth);
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const commission = useQuery({
    queryKey: ['money', 'commission', month],
    enabled: valid,
    queryFn: () => get<Commission>('/api/commission', { month }),
  });
  const recv = useQuery({
    queryKey: ['money', 'receivables'],
    queryFn: () => get<Receivables>('/api/receivables'),
  });
  const head = me.data?.role === 'head';
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('money.title')}
      </Typography.Title>
      <Card
        size="small"
        title={head ? t('money.commissionTeam') : t('money.commissionMine')}
        extra={
          <Space wrap>
            <Input
              type="month"
              aria-label={t('money.month')}
              value={month}
              onChange={(e) => setMonth(e.target.value)}
              style={{ width: 170 }}
            />
            <Button
              href={withQuery('/api/commission/export', { month, format: 'xlsx' })}
              disabled={!valid}
              download
            >
              {t('money.downloadXlsx')}
            </Button>
            <Button
              href={withQuery('/api/commission/export', { month, format: 'csv' })}
              disabled={!valid}
              download
            >
              {t('money.downloadCsv')}
            </Button>
          </Space>
        }
      >
        {!valid ? (
          <Typography.Text type="danger">{t('money.pickMonth')}</Typography.Text>
        ) : commission.isPending ? (
          <Loading />
        ) : commission.error ? (
          <ErrorAlert error={commission.error} />
        ) : (
          <CommissionTable report={commission.data} />
        )}
      </Card>
      <Card size="small" title={head ? t('money.receivablesTeam') : t('money.receivablesMine')}>
        {recv.isPending ? (
          <Loading />
        ) : recv.error ? (
          <ErrorAlert error={recv.error} />
        ) : (
          <ReceivablesView data={recv.data} />
        )}
      </Card>
    </Space>
  );
}

function CommissionTable({ report }: { report: Commission }) {
  const { t } = useTranslation();
  const linesOf = useMemo(() => {
    const m = new Map<number, CommissionLine[]>();
    for (const l of report.lines) m.set(l.managerId, [...(m.get(l.managerId) ?? []), l]);
    return m;
  }, [report.lines]);
  const rules =
    report.rules.mode === 'flat'
      ? t('money.rulesFlat', { rate: pct(report.rules.flatRateBps) })
      : t('money.rulesTiers', { count: report.rules.tiers.length });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('money.period')}>
          {fmtDate(report.from)} – {fmtDate(new Date(new Date(report.to).getTime() - 1).toISOString())}
        </Descriptions.Item>
        <Descriptions.Item label={t('money.rules')}>
          {rules} · {t('money.policyVersion', { version: report.policyVersion })}
        </Descriptions.Item>
        <Descriptions.Item label={t('money.holdBack')}>
          {report.rules.holdBackUnpaid ? t('money.holdBackOn') : t('money.holdBackOff')}
        </Descriptions.Item>
      </Descriptions>
      <Table<CommissionRow>
        aria-label={t('money.commissionTable')}
        rowKey="managerId"
        size="small"
        pagination={false}
        dataSource={report.rows}
        locale={{ emptyText: <EmptyState text={t('money.noOrders')} /> }}
        expandable={{
          expandedRowRender: (r) => <OrderLines lines={linesOf.get(r.managerId) ?? []} />,
          expandIcon: ({ expanded, onExpand, record }) => (
            <Button
              size="small"
              type="text"
              aria-expanded={expanded}
              aria-label={t('money.ordersOf', { name: record.managerName })}
              onClick={(e) => onExpand(record, e)}
            >
              {expanded ? '−' : '+'}
            </Button>
          ),
        }}
        summary={() =>
          report.rows.length > 1 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} />
              <Table.Summary.Cell index={1}>
                <b>{t('money.total')}</b>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2}>{report.totals.orders}</Table.Summary.Cell>
              <Table.Summary.Cell index={3}>{rub(report.totals.creditedKopecks)}</Table.Summary.Cell>
              <Table.Summary.Cell index={4}>{rub(report.totals.commissionKopecks)}</Table.Summary.Cell>
              <Table.Summary.Cell index={5}>{rub(report.totals.paidKopecks)}</Table.Summary.Cell>
              <Table.Summary.Cell index={6}>{rub(report.totals.unpaidKopecks)}</Table.Summary.Cell>
              <Table.Summary.Cell index={7}>{rub(report.totals.heldBackKopecks)}</Table.Summary.Cell>
              <Table.Summary.Cell index={8}>{rub(report.totals.payableKopecks)}</Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
        columns={[
          { title: t('money.col.manager'), dataIndex: 'managerName' },
          { title: t('money.col.orders'), dataIndex: 'orders' },
          { title: t('money.col.credited'), dataIndex: 'creditedKopecks', render: (v: number) => rub(v) },
          {
            title: t('money.col.commission'),
            dataIndex: 'commissionKopecks',
            render: (v: number, r) => (
              <span title={t('money.effectiveRate', { rate: pct(r.effectiveRateBps) })}>{rub(v)}</span>
            ),
          },
          { title: t('money.col.paid'), dataIndex: 'paidKopecks', render: (v: number) => rub(v) },
          { title: t('money.col.unpaid'), dataIndex: 'unpaidKopecks', render: (v: number) => rub(v) },
          { title: t('money.col.heldBack'), dataIndex: 'heldBackKopecks', render: (v: number) => rub(v) },
          { title: t('money.col.payable'), dataIndex: 'payableKopecks', render: (v: number) => rub(v) },
        ]}
      />
    </Space>
  );
}

function OrderLines({ lines }: { lines: CommissionLine[] }) {
  const { t } = useTranslation();
  return (
    <Table<CommissionLine>
      aria-label={t('money.linesTable')}
      rowKey={(l) => `${l.dealId}:${l.managerId}`}
      size="small"
      pagination={false}
      dataSource={lines}
      columns={[
        { title: t('money.line.order'), dataIndex: 'title', render: (v: string, l) => `№${l.dealId} ${v}` },
        {
          title: t('money.line.client'),
          dataIndex: 'clientName',
          render: (v: string, l) => <Link to={`/clients/${l.clientId}`}>{v}</Link>,
        },
        {
          title: t('money.line.roles'),
          dataIndex: 'roles',
          render: (roles: string[]) =>
            roles.map((r) => <Tag key={r}>{t(`money.role.${r}`, { defaultValue: r })}</Tag>),
        },
        { title: t('money.line.share'), dataIndex: 'shareBps', render: (v: number) => pct(v) },
        {
          title: t('money.line.amount'),
          dataIndex: 'orderAmountKopecks',
          render: (v: number) => rub(v),
        },
        { title: t('money.col.credited'), dataIndex: 'creditedKopecks', render: (v: number) => rub(v) },
        { title: t('money.col.commission'), dataIndex: 'commissionKopecks', render: (v: number) => rub(v) },
        { title: t('money.line.wonAt'), dataIndex: 'wonAt', render: (v: string) => fmtDate(v) },
        {
          title: t('money.line.paid'),
          dataIndex: 'paid',
          render: (paid: boolean, l) =>
            paid ? (
              <Tag color="green">{t('money.paidOn', { date: fmtDate(l.paidAt) })}</Tag>
            ) : (
              <Tag color="orange">{t('money.notPaid')}</Tag>
            ),
        },
        { title: t('money.col.heldBack'), dataIndex: 'heldBackKopecks', render: (v: number) => rub(v) },
      ]}
    />
  );
}

function ReceivablesView({ data }: { data: Receivables }) {
  const { t } = useTranslation();
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v) => fmtMoney(Number(v) * 100),
      },
      legend: { top: 0 },
      grid: { left: 90, right: 16, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: data.rows.map((r) => r.managerName) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtMoney(v * 100) } },
      series: BUCKETS.map((b, i) => ({
        type: 'bar' as const,
        name: t('money.bucket', { range: b }),
        stack: 'aging',
        color: BUCKET_COLORS[i],
        barMaxWidth: 48,
        data: data.rows.map((r) => r.buckets[b].amountKopecks / 100),
      })),
    }),
    [data, t],
  );
  if (!data.orders.length) return <EmptyState text={t('money.noOverdue')} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>
        {t('money.overdueTotal', {
          count: data.totals.orders,
          amount: rub(data.totals.totalKopecks),
          date: fmtDate(data.asOf),
        })}
      </Typography.Text>
      <EChart label={t('money.agingChart')} option={option} height={280} />
      <Table<ReceivableRow>
        aria-label={t('money.agingTable')}
        rowKey="managerId"
        size="small"
        pagination={false}
        dataSource={data.rows}
        columns={[
          { title: t('money.col.manager'), dataIndex: 'managerName' },
          { title: t('money.col.orders'), dataIndex: 'orders' },
          ...BUCKETS.map((b) => ({
            title: t('money.bucket', { range: b }),
            key: b,
            render: (_: unknown, r: ReceivableRow) => rub(r.buckets[b].amountKopecks),
          })),
          { title: t('money.col.overdue'), dataIndex: 'totalKopecks', render: (v: number) => rub(v) },
        ]}
      />
      <Table<OverdueOrder>
        aria-label={t('money.overdueTable')}
        rowKey="dealId"
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        dataSource={[...data.orders].sort((a, b) => b.daysOverdue - a.daysOverdue)}
        columns={[
          { title: t('money.line.order'), dataIndex: 'title', render: (v: string, o) => `№${o.dealId} ${v}` },
          {
            title: t('money.line.client'),
            dataIndex: 'clientName',
            render: (v: string, o) => <Link to={`/clients/${o.clientId}`}>{v}</Link>,
          },
          { title: t('money.col.manager'), dataIndex: 'managerName' },
          { title: t('money.line.amount'), dataIndex: 'amountKopecks', render: (v: number) => rub(v) },
          { title: t('money.line.dueAt'), dataIndex: 'dueAt', render: (v: string) => fmtDate(v) },
          {
            title: t('money.line.daysOverdue'),
            dataIndex: 'daysOverdue',
            render: (v: number, o) => (
              <Tag color={BUCKET_COLORS[BUCKETS.indexOf(o.bucket)]}>{t('money.days', { count: v })}</Tag>
            ),
          },
        ]}
      />
    </Space>
  );
}
