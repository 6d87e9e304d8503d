import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Progress,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import type { ImportList, ImportPlan } from '../../api/types.ts';
import { DASH, fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { reasonsText } from '../identity/reasonText.ts';

type Group = ImportPlan['groups'][number];
type Issue = ImportPlan['issues'][number];
type Mapping = Record<string, string[]>;
type UploadBody = { fileName: string; contentBase64: string };
const PRESETS = ['amocrm', 'bitrix24', 'generic'] as const;

/** A mapping with empty fields dropped and keys sorted, to tell whether the user changed it. */
function mappingKey(m: Mapping): string {
  return JSON.stringify(
    Object.keys(m)
      .filter((k) => (m[k] ?? []).length > 0)
      .sort()
      .map((k) => [k, m[k]]),
  );
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** «Импорт» (C20): upload → column mapping (preset pre-filled) → preview and duplicates → apply → report. */
export default function ImportPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [upload, setUpload] = useState<UploadBody | null>(null);
  const [preset, setPreset] = useState<string | undefined>();
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [confirm, setConfirm] = useState<number[]>([]);
  const [overCap, setOverCap] = useState(false);

  const dryRun = useMutation({
    mutationFn: (body: UploadBody & { preset?: string; mapping?: Mapping }) =>
      post<ImportPlan>('/api/imports', body),
    onSuccess: (plan) => {
      setMapping(plan.mapping);
      setPreset(plan.preset);
      setConfirm([]);
      void qc.invalidateQueries({ queryKey: ['imports'] });
    },
  });
  const apply = useMutation({
    mutationFn: (plan: ImportPlan) =>
      post<ImportPlan>(`/api/imports/${plan.id}/apply`, {
        ...(mapping ? { mapping } : {}),
        confirmMaybe: confirm,
        overCap,
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['imports'] });
      void qc.invalidateQueries({ queryKey: ['pool'] });
    },
  });
  const plan = dryRun.data;
  // The preview shows the mapping the server last checked: an edited mapping must be rechecked first.
  const mappingChanged = !!plan && !!mapping && mappingKey(mapping) !== mappingKey(plan.mapping);
  const restart = () => {
    dryRun.reset();
    apply.reset();
    setUpload(null);
    setMapping(null);
    setPreset(undefined);
    setConfirm([]);
    setOverCap(false);
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('import.title')}
      </Typography.Title>
      <Card size="small" title={t('import.step1')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('import.hint')}</Typography.Text>
          <Space wrap>
            <Upload
              accept=".csv,.txt,.xlsx"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(file) => {
                void toBase64(file).then((contentBase64) => {
                  const u = { fileName: file.name, contentBase64 };
                  apply.reset();
                  setUpload(u);
                  dryRun.mutate(u);
                });
                return false;
              }}
            >
              <Button type="primary">{t('import.choose')}</Button>
            </Upload>
            {upload ? <Typography.Text strong>{upload.fileName}</Typography.Text> : null}
            {plan ? (
              <Select
                aria-label={t('import.preset')}
                style={{ width: 200 }}
                value={preset}
                onChange={(v) => {
                  setPreset(v);
                  if (upload) dryRun.mutate({ ...upload, preset: v });
                }}
                options={PRESETS.map((p) => ({ value: p, label: t(`import.presets.${p}`) }))}
              />
            ) : null}
          </Space>
          {dryRun.isPending ? <Progress percent={100} status="active" showInfo={false} /> : null}
          {dryRun.error ? <ErrorAlert error={dryRun.error} /> : null}
        </Space>
      </Card>

      {plan && mapping && !apply.data ? (
        <>
          <Card
            size="small"
            title={t('import.step2')}
            extra={
              <Button
                onClick={() => upload && dryRun.mutate({ ...upload, preset, mapping })}
                loading={dryRun.isPending}
              >
                {t('import.recheck')}
              </Button>
            }
          >
            <Descriptions size="small" column={3}>
              <Descriptions.Item label={t('import.format')}>
                {plan.format.toUpperCase()}
                {plan.encoding ? `, ${plan.encoding}` : ''}
                {plan.separator ? `, «${plan.separator}»` : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('import.preset')}>
                {t(`import.presets.${plan.preset}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('import.rows')}>{plan.counts.rows}</Descriptions.Item>
            </Descriptions>
            <Table
              aria-label={t('import.step2')}
              size="small"
              rowKey="field"
              pagination={false}
              dataSource={plan.fields.map((field) => ({ field }))}
              columns={[
                {
                  title: t('import.col.field'),
                  dataIndex: 'field',
                  render: (f: string) => t(`import.fields.${f}`),
                },
                {
                  title: t('import.col.columns'),
                  dataIndex: 'field',
                  render: (f: string) => (
                    <Select<string[]>
                      mode="multiple"
                      allowClear
                      aria-label={t(`import.fields.${f}`)}
                      style={{ minWidth: 320 }}
                      value={mapping[f] ?? []}
                      onChange={(cols) => setMapping({ ...mapping, [f]: cols })}
                      options={plan.headers.map((h) => ({ value: h, label: h }))}
                    />
                  ),
                },
              ]}
            />
          </Card>
          <Card size="small" title={t('import.step3')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Counts plan={plan} />
              <PreviewRows plan={plan} />
              <Decisions groups={plan.groups} confirm={confirm} setConfirm={setConfirm} />
              <Issues issues={plan.issues} />
            </Space>
          </Card>
          <Card size="small" title={t('import.step4')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space>
                <Switch checked={overCap} onChange={setOverCap} aria-label={t('import.overCap')} />
                <Typography.Text>{t('import.overCap')}</Typography.Text>
              </Space>
              {mappingChanged ? <Alert type="warning" showIcon message={t('import.mappingChanged')} /> : null}
              <Button
                type="primary"
                disabled={mappingChanged}
                loading={apply.isPending}
                onClick={() => apply.mutate(plan)}
              >
                {t('import.apply', { count: plan.counts.created + confirm.length })}
              </Button>
              {apply.isPending ? <Progress percent={100} status="active" showInfo={false} /> : null}
              {apply.error ? <ErrorAlert error={apply.error} /> : null}
            </Space>
          </Card>
        </>
      ) : null}

      {apply.data ? (
        <Card
          size="small"
          title={t('import.done')}
          extra={<Button onClick={restart}>{t('import.another')}</Button>}
        >
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="success" showIcon message={t('import.applied', { id: apply.data.id })} />
            <Counts plan={apply.data} />
            <a href={`/api/imports/${apply.data.id}/report.csv`} download>
              {t('import.report')}
            </a>
            <Decisions groups={apply.data.groups} />
          </Space>
        </Card>
      ) : null}

      <PastImports />
    </Space>
  );
}

function Counts({ plan }: { plan: ImportPlan }) {
  const { t } = useTranslation();
  const c = plan.counts;
  return (
    <Descriptions size="small" column={4} bordered aria-label={t('import.counts')}>
      <Descriptions.Item label={t('import.count.rows')}>{c.rows}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.created')}>{c.created}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.linked')}>{c.linked}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.maybe')}>{c.maybe}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.sameInFile')}>{c.sameInFile}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.owned')}>{c.owned}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.pool')}>{c.pool}</Descriptions.Item>
      <Descriptions.Item label={t('import.count.errors')}>{c.errors}</Descriptions.Item>
    </Descriptions>
  );
}

function PreviewRows({ plan }: { plan: ImportPlan }) {
  const { t } = useTranslation();
  const used = [...new Set(Object.values(plan.mapping).flat())].slice(0, 8);
  return (
    <Table
      aria-label={t('import.preview')}
      title={() => t('import.preview')}
      size="small"
      rowKey="row"
      pagination={false}
      scroll={{ x: true }}
      dataSource={plan.preview.slice(0, 10)}
      columns={[
        { title: '#', dataIndex: 'row', width: 50 },
        ...used.map((h) => ({
          title: h,
          key: h,
          render: (_: unknown, r: ImportPlan['preview'][number]) => r.values[h] ?? '',
        })),
      ]}
    />
  );
}

const DECISION_COLOR: Record<string, string> = { create: 'green', link: 'blue', maybe: 'orange' };

function Decisions({
  groups,
  confirm,
  setConfirm,
}: {
  groups: Group[];
  confirm?: number[];
  setConfirm?: (rows: number[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <Table<Group>
      aria-label={t('import.decisions')}
      title={() => t('import.decisions')}
      size="small"
      rowKey="row"
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={groups}
      locale={{ emptyText: <EmptyState text={t('import.noDecisions')} /> }}
      columns={[
        {
          title: t('import.col.row'),
          dataIndex: 'row',
          render: (_: number, g) => g.rows.join(', '),
          width: 90,
        },
        { title: t('import.col.name'), dataIndex: 'displayName' },
        {
          title: t('import.col.decision'),
          dataIndex: 'decision',
          render: (d: string, g) => (
            <Space>
              <Tag color={DECISION_COLOR[d]}>{t(`import.decision.${d}`)}</Tag>
              {d === 'maybe' && g.confirmed && !setConfirm ? (
                <Tag color="green">{t('import.decision.confirmed')}</Tag>
              ) : null}
              {d === 'maybe' && setConfirm ? (
                <Checkbox
                  aria-label={t('import.confirmRow', { row: g.row })}
                  checked={confirm?.includes(g.row)}
                  onChange={(e) =>
                    setConfirm(
                      e.target.checked
                        ? [...(confirm ?? []), g.row]
                        : (confirm ?? []).filter((r) => r !== g.row),
                    )
                  }
                >
                  {t('import.confirm')}
                </Checkbox>
              ) : null}
            </Space>
          ),
        },
        {
          title: t('import.col.client'),
          dataIndex: 'clientId',
          render: (id: number | null, g) =>
            id ? <Link to={`/clients/${id}`}>{g.clientName ?? `#${id}`}</Link> : DASH,
        },
        {
          title: t('import.col.why'),
          key: 'why',
          render: (_: unknown, g) => reasonsText(t, g.reasonCodes) || DASH,
        },
        {
          title: t('import.col.owner'),
          dataIndex: 'ownerName',
          render: (n: string | null, g) =>
            g.decision === 'link'
              ? DASH
              : (n ??
                (g.poolReason
                  ? `${t('import.pool')} (${t(`import.reason.${g.poolReason}`)})`
                  : t('import.pool'))),
        },
      ]}
    />
  );
}

function Issues({ issues }: { issues: Issue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0) return null;
  return (
    <Table<Issue>
      aria-label={t('import.issues')}
      title={() => t('import.issues')}
      size="small"
      rowKey={(i) => `${i.row}:${i.column}:${i.reason}:${i.value}`}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      dataSource={issues}
      columns={[
        { title: t('import.col.row'), dataIndex: 'row', width: 70 },
        { title: t('import.col.column'), dataIndex: 'column' },
        {
          title: t('import.col.reason'),
          dataIndex: 'reason',
          render: (r: string, i) => (
            <Tag color={i.severity === 'error' ? 'red' : 'gold'}>{t(`import.reason.${r}`)}</Tag>
          ),
        },
        { title: t('import.col.value'), dataIndex: 'value' },
      ]}
    />
  );
}

function PastImports() {
  const { t } = useTranslation();
  // Every upload is a dry run stored as «Предпросмотр»: hidden unless asked for.
  const [previews, setPreviews] = useState(false);
  const list = useQuery({
    queryKey: ['imports', { previews }],
    queryFn: () => get<ImportList>('/api/imports', previews ? { previews: 1 } : {}),
  });
  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorAlert error={list.error} />;
  return (
    <Card
      size="small"
      title={t('import.past')}
      extra={
        <Checkbox checked={previews} onChange={(e) => setPreviews(e.target.checked)}>
          {t('import.showPreviews')}
        </Checkbox>
      }
    >
      <Table
        aria-label={t('import.past')}
        size="small"
        rowKey="id"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={list.data.items}
        locale={{ emptyText: <EmptyState text={t('import.noPast')} /> }}
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          { title: t('import.col.file'), dataIndex: 'fileName' },
          {
            title: t('import.col.status'),
            dataIndex: 'status',
            render: (s: string) => t(`import.status.${s}`),
          },
          { title: t('import.col.by'), dataIndex: 'actorName' },
          {
            title: t('import.col.at'),
            key: 'at',
            render: (_: unknown, r: ImportList['items'][number]) => fmtDateTime(r.appliedAt ?? r.createdAt),
          },
          {
            title: t('import.col.result'),
            key: 'result',
            render: (_: unknown, r: ImportList['items'][number]) =>
              t('import.result', {
                rows: r.counts.rows ?? 0,
                created: r.counts.created ?? 0,
                linked: r.counts.linked ?? 0,
                errors: r.counts.errors ?? 0,
              }),
          },
          {
            title: t('import.col.report'),
            key: 'report',
            render: (_: unknown, r: ImportList['items'][number]) => (
              <a href={`/api/imports/${r.id}/report.csv`} download>
                {t('import.reportShort')}
              </a>
            ),
          },
        ]}
      />
    </Card>
  );
}
