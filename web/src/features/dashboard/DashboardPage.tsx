import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get } from '../../api/client.ts';
import { useMe } from '../../app/auth.ts';
import { fmtDate, fmtMoney, fmtNumber } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { daysLeftColor } from '../activity/api.ts';
import type { Coverage, Expiry, ExpiryItem, Trends, Untouched } from '../activity/types.ts';
import { type ChartOption, EChart } from './EChart.tsx';

type Win = 7 | 30 | 90;
type ManagerRow = Coverage['managers'][number];
const BUCKETS = ['met', 'called', 'emailedOnly', 'otherOnly', 'untouched'] as const;
const BUCKET_COLORS = ['#2f7d32', '#1f5fbf', '#7aa6e0', '#b39ddb', '#d9d9d9'];
const KINDS = ['call', 'meeting', 'email', 'proposal', 'note'] as const;
/** With many managers the bars scroll: this many are shown at once, the slider moves the window. */
const VISIBLE_BARS = 25;

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 10 : 0);

/** Coverage, base vs cap, weekly touches, results, and what expires soon (C14). Heads see the team. */
export default function DashboardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const isHead = me.data?.role === 'head';
  const [params, setParams] = useSearchParams();
  const picked = params.get('manager') ? Number(params.get('manager')) : undefined;
  const manager = isHead ? picked : me.data?.id;
  const [win, setWin] = useState<Win>(30);
  const pick = (id: number | undefined) => setParams(id ? { manager: String(id) } : {});

  const coverage = useQuery({
    queryKey: ['analytics', 'coverage', manager ?? 'team'],
    queryFn: () => get<Coverage>('/api/analytics/coverage', { manager }),
  });
  const teamCoverage = useQuery({
    queryKey: ['analytics', 'coverage', 'team'],
    enabled: isHead,
    queryFn: () => get<Coverage>('/api/analytics/coverage'),
  });
  const trends = useQuery({
    queryKey: ['analytics', 'trends', manager ?? 'team'],
    queryFn: () => get<Trends>('/api/analytics/trends', { manager, weeks: 26 }),
  });
  const expiring = useQuery({
    queryKey: ['expiry', 'within', 14, manager ?? 'team'],
    queryFn: () => get<Expiry>('/api/expiry', { within: 14, manager, limit: 200 }),
  });
  const untouched = useQuery({
    queryKey: ['analytics', 'untouched', manager ?? 'team'],
    queryFn: () => get<Untouched>('/api/analytics/untouched', { manager, days: 30, limit: 20 }),
  });

  const rows = coverage.data?.managers ?? [];
  const options = useMemo(() => chartOptions(t, rows, win, trends.data), [t, rows, win, trends.data]);
  const winIndex = coverage.data?.windows.indexOf(win) ?? -1;
  const teamWin = coverage.data?.team.windows[winIndex];

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('dashboard.title')}
        </Typography.Title>
        <Space wrap>
          {isHead ? (
            <Select<number | 'team'>
              aria-label={t('dashboard.manager')}
              style={{ width: 240 }}
              showSearch
              optionFilterProp="label"
              value={picked ?? 'team'}
              onChange={(v) => pick(v === 'team' ? undefined : v)}
              options={[
                { value: 'team', label: t('dashboard.team') },
                ...(teamCoverage.data?.managers ?? []).map((m) => ({
                  value: m.managerId,
                  label: m.managerName,
                })),
              ]}
            />
          ) : null}
          <Segmented<Win>
            aria-label={t('dashboard.window')}
            value={win}
            onChange={setWin}
            options={[7, 30, 90].map((d) => ({ value: d as Win, label: t('dashboard.days', { count: d }) }))}
          />
        </Space>
      </Space>
      {coverage.error ? <ErrorAlert error={coverage.error} /> : null}
      {coverage.isPending ? <Loading /> : null}
      {coverage.data ? (
        <>
          {teamWin ? (
            <Typography.Text>
              {t('dashboard.summary', {
                base: fmtNumber(coverage.data.team.baseCount),
                cap: fmtNumber(coverage.data.team.cap),
                touched: pct(
                  coverage.data.team.baseCount - teamWin.buckets.untouched,
                  coverage.data.team.baseCount,
                ),
                days: win,
              })}
            </Typography.Text>
          ) : null}
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={12}>
              <Card title={t('dashboard.coverageTitle', { days: win })} size="small">
                {rows.length ? (
                  <EChart
                    label={t('dashboard.coverageTitle', { days: win })}
                    option={options.coverage}
                    onClick={(i) => rows[i] && pick(rows[i].managerId)}
                  />
                ) : (
                  <EmptyState text={t('dashboard.noManagers')} />
                )}
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card title={t('dashboard.capTitle')} size="small">
                {rows.length ? (
                  <EChart
                    label={t('dashboard.capTitle')}
                    option={options.cap}
                    onClick={(i) => rows[i] && pick(rows[i].managerId)}
                  />
                ) : (
                  <EmptyState text={t('dashboard.noManagers')} />
                )}
              </Card>
            </Col>
          </Row>
        </>
      ) : null}
      <Card title={t('dashboard.trendsTitle')} size="small">
        {trends.error ? <ErrorAlert error={trends.error} /> : null}
        {trends.isPending ? <Loading /> : null}
        {trends.data ? (
          <EChart label={t('dashboard.trendsTitle')} option={options.trends} height={300} />
        ) : null}
      </Card>
      {coverage.data ? (
        <Card title={t('dashboard.resultsTitle')} size="small">
          <Table<ManagerRow>
            aria-label={t('dashboard.resultsTitle')}
            rowKey="managerId"
            size="small"
            dataSource={rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            scroll={{ x: 800 }}
            columns={[
              {
                title: t('dashboard.col.manager'),
                dataIndex: 'managerName',
                render: (v: string, r) =>
                  isHead ? (
                    <Link to={`/dashboard?manager=${r.managerId}`} onClick={() => pick(r.managerId)}>
                      {v}
                    </Link>
                  ) : (
                    v
                  ),
              },
              {
                title: t('dashboard.col.base'),
                key: 'base',
                render: (_: unknown, r) => `${r.baseCount} / ${r.cap}`,
                sorter: (a, b) => a.baseCount - b.baseCount,
              },
              {
                title: t('dashboard.col.won'),
                render: (_: unknown, r) => r.deals.won,
                sorter: (a, b) => a.deals.won - b.deals.won,
              },
              { title: t('dashboard.col.lost'), render: (_: unknown, r) => r.deals.lost },
              {
                title: t('dashboard.col.revenue'),
                align: 'right',
                render: (_: unknown, r) => fmtMoney(r.deals.revenueKopecks),
                sorter: (a, b) => a.deals.revenueKopecks - b.deals.revenueKopecks,
                defaultSortOrder: 'descend',
              },
              {
                title: t('dashboard.col.conversion'),
                align: 'right',
                render: (_: unknown, r) =>
                  r.deals.conversion === null ? '—' : `${Math.round(r.deals.conversion * 100)} %`,
              },
              {
                title: t('dashboard.col.open'),
                align: 'right',
                render: (_: unknown, r) => `${r.deals.openCount} · ${fmtMoney(r.deals.openAmountKopecks)}`,
              },
            ]}
          />
        </Card>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t('dashboard.expiringTitle')} size="small">
            {expiring.error ? <ErrorAlert error={expiring.error} /> : null}
            {expiring.isPending ? <Loading /> : null}
            {expiring.data ? (
              <Table<ExpiryItem>
                aria-label={t('dashboard.expiringTitle')}
                rowKey={(r) => `${r.clientId}-${r.lineId}`}
                size="small"
                dataSource={expiring.data.items}
                pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                locale={{
                  emptyText: (
                    <EmptyState
                      text={expiring.data.enabled ? t('dashboard.noneExpiring') : t('dashboard.expiryOff')}
                    />
                  ),
                }}
                columns={[
                  {
                    title: t('dashboard.col.client'),
                    dataIndex: 'clientName',
                    render: (v: string, r) => <Link to={`/clients/${r.clientId}`}>{v}</Link>,
                  },
                  ...(isHead ? [{ title: t('dashboard.col.manager'), dataIndex: 'ownerName' }] : []),
                  {
                    title: t('dashboard.col.expiresAt'),
                    dataIndex: 'expiresAt',
                    render: (v: string, r: ExpiryItem) => (
                      <Tag color={daysLeftColor(r.daysLeft)}>
                        {t('expiry.dateLeft', { date: fmtDate(v), days: r.daysLeft })}
                      </Tag>
                    ),
                  },
                  { title: t('dashboard.col.rule'), dataIndex: 'rule' },
                ]}
              />
            ) : null}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('dashboard.untouchedTitle')} size="small">
            {untouched.error ? <ErrorAlert error={untouched.error} /> : null}
            {untouched.isPending ? <Loading /> : null}
            {untouched.data ? (
              <Table
                aria-label={t('dashboard.untouchedTitle')}
                rowKey="clientId"
                size="small"
                dataSource={untouched.data.items}
                pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                locale={{ emptyText: <EmptyState text={t('dashboard.noneUntouched')} /> }}
                onRow={(r) => ({ onDoubleClick: () => navigate(`/clients/${r.clientId}`) })}
                columns={[
                  {
                    title: t('dashboard.col.client'),
                    dataIndex: 'clientName',
                    render: (v: string, r) => <Link to={`/clients/${r.clientId}`}>{v}</Link>,
                  },
                  ...(isHead ? [{ title: t('dashboard.col.manager'), dataIndex: 'ownerName' }] : []),
                  {
                    title: t('dashboard.col.lastTouch'),
                    dataIndex: 'lastTouchAt',
                    render: (v: string | null) => (v ? fmtDate(v) : t('dashboard.never')),
                  },
                ]}
              />
            ) : null}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function chartOptions(
  t: (k: string, o?: Record<string, unknown>) => string,
  rows: ManagerRow[],
  win: Win,
  trends: Trends | undefined,
): { coverage: ChartOption; cap: ChartOption; trends: ChartOption } {
  const names = rows.map((m) => m.managerName);
  const many = rows.length > VISIBLE_BARS;
  const zoom: ChartOption['dataZoom'] = many
    ? [
        { type: 'slider', xAxisIndex: 0, startValue: 0, endValue: VISIBLE_BARS - 1, height: 18, bottom: 4 },
        { type: 'inside', xAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true },
      ]
    : [];
  const grid = { left: 48, right: 16, top: 40, bottom: many ? 110 : 90 };
  const xAxis = {
    type: 'category' as const,
    data: names,
    axisLabel: { rotate: names.length > 6 ? 45 : 0, interval: 0, width: 110, overflow: 'truncate' as const },
  };
  const coverage: ChartOption = {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${v} %` },
    legend: { top: 0 },
    grid,
    dataZoom: zoom,
    xAxis,
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
    series: BUCKETS.map((b, i) => ({
      type: 'bar' as const,
      name: t(`dashboard.bucket.${b}`),
      stack: 'coverage',
      color: BUCKET_COLORS[i],
      barMaxWidth: 36,
      data: rows.map((m) => {
        const w = m.windows.find((x) => x.days === win);
        return w ? pct(w.buckets[b], m.baseCount) : 0;
      }),
    })),
  };
  const cap: ChartOption = {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid,
    dataZoom: zoom,
    xAxis,
    yAxis: { type: 'value' },
    series: [
      // The cap as a pale bar behind the base: a full bar is a full base, red when over the cap.
      {
        type: 'bar',
        name: t('dashboard.cap'),
        color: '#d6e4f7',
        barMaxWidth: 30,
        barGap: '-100%',
        data: rows.map((m) => m.cap),
      },
      {
        type: 'bar',
        name: t('dashboard.base'),
        color: '#1f5fbf',
        barMaxWidth: 30,
        data: rows.map((m) => ({
          value: m.baseCount,
          itemStyle: m.baseCount > m.cap ? { color: '#cf1322' } : {},
        })),
      },
    ],
  };
  const weeks = trends?.weeks ?? [];
  const trendOption: ChartOption = {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: weeks.map((w) => w.isoWeek.slice(5)) },
    yAxis: [{ type: 'value' }, { type: 'value', splitLine: { show: false } }],
    series: [
      ...KINDS.map((k) => ({
        type: 'bar' as const,
        name: t(`activity.kind.${k}`),
        stack: 'touches',
        data: weeks.map((w) => w.touches[k]),
      })),
      {
        type: 'line' as const,
        name: t('dashboard.wonDeals'),
        yAxisIndex: 1,
        color: '#2f7d32',
        data: weeks.map((w) => w.won),
      },
    ],
  };
  return { coverage, cap, trends: trendOption };
}
