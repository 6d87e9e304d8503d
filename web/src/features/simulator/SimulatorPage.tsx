import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Policy, type PresetName, presets } from '../../../../src/core/policy/policy.ts';
import { get, post } from '../../api/client.ts';
import type { PolicyDoc } from '../../api/types.ts';
import { fmtDate, fmtMoney, fmtNumber } from '../../ui/format.ts';
import { ErrorAlert, Loading } from '../../ui/states.tsx';
import { type ChartOption, EChart } from '../dashboard/EChart.tsx';
import type { SimulationReport } from './types.ts';

/** The main knobs (the rest of the document is edited as JSON below them). */
const knobs: { path: [string, string?]; min: number; max: number }[] = [
  { path: ['expiry', 'noTouchDays'], min: 1, max: 3650 },
  { path: ['expiry', 'noOrderDays'], min: 1, max: 3650 },
  { path: ['caps', 'defaultCap'], min: 1, max: 100_000 },
  { path: ['reclaimCooldownDays'], min: 0, max: 365 },
  { path: ['claimProtectionDays'], min: 0, max: 365 },
];
const resolutions = ['head_decides', 'owner_keeps', 'idle_owner_loses', 'closer_wins'] as const;

type Doc = Record<string, unknown>;
const read = (doc: Doc, [a, b]: [string, string?]): unknown =>
  b ? (doc[a] as Doc | undefined)?.[b] : doc[a];
function write(doc: Doc, [a, b]: [string, string?], v: unknown): Doc {
  return b ? { ...doc, [a]: { ...(doc[a] as Doc), [b]: v } } : { ...doc, [a]: v };
}
const dayIso = (d: Date) => d.toISOString().slice(0, 10);

/** «Симулятор» (C19): what would the candidate rules have done to the recorded history? */
export default function SimulatorPage() {
  const { t } = useTranslation();
  const policy = useQuery({ queryKey: ['policy'], queryFn: () => get<PolicyDoc>('/api/policy') });
  if (policy.isLoading) return <Loading />;
  if (policy.error || !policy.data) return <ErrorAlert error={policy.error} />;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('simulator.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('simulator.intro')}</Typography.Paragraph>
      <Simulator current={policy.data.policy as Policy} version={policy.data.version} />
    </Space>
  );
}

function Simulator({ current, version }: { current: Policy; version: number }) {
  const { t } = useTranslation();
  const [doc, setDoc] = useState<Doc>(current as unknown as Doc);
  const [json, setJson] = useState(() => JSON.stringify(current, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const today = new Date();
  const [from, setFrom] = useState(dayIso(new Date(today.getTime() - 365 * 86_400_000)));
  const [to, setTo] = useState(dayIso(today));
  const run = useMutation({
    mutationFn: () => post<SimulationReport>('/api/simulations', { policy: doc, from, to }),
  });

  const update = (next: Doc) => {
    setDoc(next);
    setJson(JSON.stringify(next, null, 2));
    setJsonError(null);
  };
  const start = (name: 'current' | PresetName) =>
    update(structuredClone(name === 'current' ? current : presets[name]) as unknown as Doc);

  return (
    <>
      <Card title={t('simulator.candidate', { version })}>
        <Form layout="vertical">
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item label={t('simulator.startFrom')}>
                <Select
                  aria-label={t('simulator.startFrom')}
                  defaultValue="current"
                  onChange={start}
                  options={(['current', 'team', 'balanced', 'competition'] as const).map((v) => ({
                    value: v,
                    label: t(`simulator.preset.${v}`),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item label={t('simulator.from')} htmlFor="sim-from">
                <Input id="sim-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item label={t('simulator.to')} htmlFor="sim-to">
                <Input id="sim-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={16}>
            {knobs.map((k) => {
              const id = `sim-${k.path.join('-')}`;
              const label = t(`simulator.knob.${k.path.filter(Boolean).join('.')}`);
              return (
                <Col xs={12} md={8} lg={4} key={id}>
                  <Form.Item label={label} htmlFor={id}>
                    <InputNumber
                      id={id}
                      aria-label={label}
                      min={k.min}
                      max={k.max}
                      style={{ width: '100%' }}
                      value={read(doc, k.path) as number}
                      onChange={(v) => typeof v === 'number' && update(write(doc, k.path, v))}
                    />
                  </Form.Item>
                </Col>
              );
            })}
            <Col xs={24} md={8} lg={4}>
              <Form.Item label={t('simulator.knob.disputes.autoResolution')}>
                <Select
                  aria-label={t('simulator.knob.disputes.autoResolution')}
                  value={read(doc, ['disputes', 'autoResolution']) as string}
                  onChange={(v) => update(write(doc, ['disputes', 'autoResolution'], v))}
                  options={resolutions.map((r) => ({ value: r, label: t(`simulator.resolutionMode.${r}`) }))}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            label={t('simulator.json')}
            htmlFor="sim-json"
            validateStatus={jsonError ? 'error' : undefined}
            help={jsonError ?? undefined}
          >
            <Input.TextArea
              id="sim-json"
              rows={6}
              value={json}
              spellCheck={false}
              style={{ fontFamily: 'monospace' }}
              onChange={(e) => {
                setJson(e.target.value);
                try {
                  const parsed = JSON.parse(e.target.value) as unknown;
                  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('{…}');
                  setDoc(parsed as Doc);
                  setJsonError(null);
                } catch (err) {
                  setJsonError(`${t('simulator.jsonInvalid')}: ${(err as Error).message}`);
                }
              }}
            />
          </Form.Item>
          <Button type="primary" loading={run.isPending} disabled={!!jsonError} onClick={() => run.mutate()}>
            {t('simulator.run')}
          </Button>
        </Form>
      </Card>
      <ErrorAlert error={run.error} />
      {run.data && <Results report={run.data} />}
    </>
  );
}

function Results({ report: r }: { report: SimulationReport }) {
  const { t } = useTranslation();
  const name = useMemo(() => new Map(r.managers.map((m) => [m.id, m.name])), [r.managers]);
  const who = (id: number) => name.get(id) ?? `#${id}`;
  const charts = useMemo(() => chartOptions(t, r, (id) => name.get(id) ?? `#${id}`), [t, r, name]);
  const a = r.current.totals;
  const b = r.candidateRun.totals;
  const totals = [
    { key: 'expiries', current: a.expiries, candidate: b.expiries },
    { key: 'refusedClaims', current: a.refusedClaims, candidate: b.refusedClaims },
    { key: 'disputes', current: a.disputes, candidate: b.disputes },
    { key: 'disputesTransferred', current: a.disputesTransferred, candidate: b.disputesTransferred },
    { key: 'baseEnd', current: a.baseEnd, candidate: b.baseEnd },
    { key: 'creditedKopecks', current: a.creditedKopecks, candidate: b.creditedKopecks, money: true },
    { key: 'commissionKopecks', current: a.commissionKopecks, candidate: b.commissionKopecks, money: true },
  ];
  const show = (v: number, money?: boolean) => (money ? fmtMoney(v) : fmtNumber(v));
  const delta = (d: number, money?: boolean) => (d > 0 ? `+${show(d, money)}` : show(d, money));
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('simulator.resultTitle', { from: fmtDate(r.from), to: fmtDate(r.to), days: r.days })}
        extra={
          r.changes.length === 0 ? (
            <Tag>{t('simulator.noChanges')}</Tag>
          ) : (
            <Space wrap>
              {r.changes.map((c) => (
                <Tag color="blue" key={c.path}>
                  {c.path}: {JSON.stringify(c.current)} → {JSON.stringify(c.candidate)}
                </Tag>
              ))}
            </Space>
          )
        }
      >
        <Table
          aria-label={t('simulator.totals')}
          size="small"
          pagination={false}
          rowKey="key"
          dataSource={totals}
          columns={[
            { title: '', dataIndex: 'key', render: (k: string) => t(`simulator.total.${k}`) },
            {
              title: t('simulator.current'),
              dataIndex: 'current',
              align: 'right',
              render: (v: number, x) => show(v, x.money),
            },
            {
              title: t('simulator.candidateCol'),
              dataIndex: 'candidate',
              align: 'right',
              render: (v: number, x) => show(v, x.money),
            },
            {
              title: t('simulator.delta'),
              key: 'delta',
              align: 'right',
              render: (_: unknown, x) => delta(x.candidate - x.current, x.money),
            },
          ]}
        />
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={t('simulator.chart.expiries')}>
            <EChart label={t('simulator.chart.expiries')} option={charts.expiries} height={300} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('simulator.chart.caps')}>
            <EChart label={t('simulator.chart.caps')} option={charts.caps} height={300} />
          </Card>
        </Col>
      </Row>
      <Card title={t('simulator.gains')}>
        <Table
          aria-label={t('simulator.gains')}
          size="small"
          pagination={false}
          rowKey="managerId"
          dataSource={r.gains}
          columns={[
            { title: t('simulator.col.manager'), dataIndex: 'name' },
            {
              title: t('simulator.col.base'),
              key: 'base',
              align: 'right',
              render: (_: unknown, g) => `${g.baseEnd.current} → ${g.baseEnd.candidate}`,
            },
            {
              title: t('simulator.col.expiries'),
              key: 'exp',
              align: 'right',
              render: (_: unknown, g) => `${g.expiries.current} → ${g.expiries.candidate}`,
            },
            {
              title: t('simulator.col.revenueDelta'),
              key: 'rev',
              align: 'right',
              render: (_: unknown, g) => delta(g.creditedKopecks.delta, true),
            },
            {
              title: t('simulator.col.commissionDelta'),
              key: 'com',
              align: 'right',
              render: (_: unknown, g) => delta(g.commissionKopecks.delta, true),
            },
            {
              title: t('simulator.col.coverage'),
              key: 'cov',
              align: 'right',
              render: (_: unknown, g) => {
                const c = r.candidateRun.managers.find((m) => m.managerId === g.managerId);
                return c ? `${(c.coverageEndBps / 100).toFixed(0)} %` : '—';
              },
            },
          ]}
        />
      </Card>
      <Card title={t('simulator.expired', { count: r.expiredClients.length })}>
        <Table
          aria-label={t('simulator.expiredTable')}
          size="small"
          rowKey={(x) => `${x.clientId}:${x.lineId}`}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          dataSource={r.expiredClients}
          columns={[
            { title: t('simulator.col.client'), dataIndex: 'clientName' },
            {
              title: t('simulator.col.lostBy'),
              key: 'who',
              render: (_: unknown, x) => who((x.candidate ?? x.current)!.managerId),
            },
            {
              title: t('simulator.col.currentAt'),
              key: 'cur',
              render: (_: unknown, x) => fmtDate(x.current?.at),
            },
            {
              title: t('simulator.col.candidateAt'),
              key: 'cand',
              render: (_: unknown, x) => fmtDate(x.candidate?.at),
            },
          ]}
        />
      </Card>
      <Card title={t('simulator.disputes', { count: r.candidateRun.totals.disputes })}>
        <Table
          aria-label={t('simulator.disputesTable')}
          size="small"
          rowKey={(x) => `${x.at}:${x.clientId}:${x.lineId}:${x.claimantId}`}
          pagination={{ pageSize: 10, showSizeChanger: false }}
          dataSource={r.candidateRun.disputes}
          columns={[
            { title: t('simulator.col.date'), dataIndex: 'at', render: (v: string) => fmtDate(v) },
            { title: t('simulator.col.client'), dataIndex: 'clientName' },
            { title: t('simulator.col.owner'), dataIndex: 'ownerId', render: (id: number) => who(id) },
            { title: t('simulator.col.claimant'), dataIndex: 'claimantId', render: (id: number) => who(id) },
            {
              title: t('simulator.col.trigger'),
              dataIndex: 'trigger',
              render: (v: string) => t(`disputes.trigger.${v}`),
            },
            {
              title: t('simulator.col.amount'),
              dataIndex: 'amountKopecks',
              align: 'right',
              render: (v: number | null) => fmtMoney(v),
            },
            {
              title: t('simulator.col.resolution'),
              dataIndex: 'resolution',
              render: (v: string | null) => t(`simulator.resolution.${v ?? 'head'}`),
            },
          ]}
        />
      </Card>
      {r.limits.truncated && (
        <Typography.Text type="secondary">
          {t('simulator.truncated', { limit: r.limits.listLimit })}
        </Typography.Text>
      )}
    </Space>
  );
}

function chartOptions(t: TFunction, r: SimulationReport, who: (id: number) => string) {
  const months = [
    ...new Set([...r.current.expiriesByMonth, ...r.candidateRun.expiriesByMonth].map((m) => m.month)),
  ].sort();
  const count = (run: SimulationReport['current'], m: string) =>
    run.expiriesByMonth.find((x) => x.month === m)?.count ?? 0;
  const expiries: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t('simulator.current'), t('simulator.candidateCol')] },
    grid: { left: 40, right: 16, bottom: 30, top: 40 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('simulator.current'), type: 'bar', data: months.map((m) => count(r.current, m)) },
      { name: t('simulator.candidateCol'), type: 'bar', data: months.map((m) => count(r.candidateRun, m)) },
    ],
  };
  const capMonths = [...new Set(r.candidateRun.caps.map((c) => c.month))].sort();
  const ids = [...new Set(r.candidateRun.caps.map((c) => c.managerId))].sort((x, y) => x - y);
  const caps: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll', data: ids.map(who) },
    grid: { left: 40, right: 16, bottom: 30, top: 40 },
    xAxis: { type: 'category', data: capMonths },
    yAxis: { type: 'value', minInterval: 1 },
    series: ids.map((id) => ({
      name: who(id),
      type: 'line' as const,
      step: 'end' as const,
      data: capMonths.map(
        (m) => r.candidateRun.caps.find((c) => c.month === m && c.managerId === id)?.cap ?? null,
      ),
    })),
  };
  return { expiries, caps };
}
