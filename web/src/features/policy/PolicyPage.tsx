import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Policy, type PresetName, policySchema, presets } from '../../../../src/core/policy/policy.ts';
import { get, put } from '../../api/client.ts';
import type { Page, PolicyDoc, PolicyVersion } from '../../api/types.ts';
import { fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { useManagers } from '../client/api.ts';

type Field = { name: string[]; kind: 'int' | 'bool' | 'select'; options?: string[] };
/** The main fields, grouped as a head of sales thinks of them; the rest of the document is kept as it is. */
const groups: { key: string; fields: Field[] }[] = [
  {
    key: 'caps',
    fields: [
      { name: ['caps', 'defaultCap'], kind: 'int' },
      { name: ['caps', 'headTransferMayExceedCap'], kind: 'bool' },
    ],
  },
  {
    key: 'newcomer',
    fields: [
      { name: ['newcomer', 'enabled'], kind: 'bool' },
      { name: ['newcomer', 'days'], kind: 'int' },
      { name: ['newcomer', 'cap'], kind: 'int' },
      { name: ['newcomer', 'protectClients'], kind: 'bool' },
    ],
  },
  {
    key: 'protection',
    fields: [
      { name: ['claimProtectionDays'], kind: 'int' },
      { name: ['reclaimCooldownDays'], kind: 'int' },
    ],
  },
  {
    key: 'expiry',
    fields: [
      { name: ['expiry', 'enabled'], kind: 'bool' },
      { name: ['expiry', 'noTouchDays'], kind: 'int' },
      { name: ['expiry', 'noOrderDays'], kind: 'int' },
    ],
  },
  {
    key: 'contact',
    fields: [
      { name: ['contact', 'cooldownDays'], kind: 'int' },
      { name: ['contact', 'nonOwnerOutreach'], kind: 'select', options: ['allow', 'warn', 'block'] },
    ],
  },
  {
    key: 'disputes',
    fields: [
      { name: ['disputes', 'openOnWonDeal'], kind: 'bool' },
      { name: ['disputes', 'openOnMeeting'], kind: 'bool' },
      { name: ['disputes', 'autoTransferIfOwnerIdleDays'], kind: 'int' },
      { name: ['disputes', 'decisionDeadlineDays'], kind: 'int' },
    ],
  },
  {
    key: 'lines',
    fields: [{ name: ['lines', 'mode'], kind: 'select', options: ['independent', 'single_owner'] }],
  },
];

function merge<T>(base: T, patch: unknown): T {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return (patch ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = merge(out[k], v);
  return out as T;
}

/** Every leaf of a policy as «path → value», for the diff between two versions. */
export function flatten(o: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o))
      for (const [p, x] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(p, x);
  } else out.set(prefix, JSON.stringify(o));
  return out;
}

export default function PolicyPage() {
  const { t } = useTranslation();
  const current = useQuery({ queryKey: ['policy'], queryFn: () => get<PolicyDoc>('/api/policy') });
  if (current.isPending) return <Loading />;
  if (current.error) return <ErrorAlert error={current.error} />;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('policy.title')} <Tag color="blue">{t('policy.version', { v: current.data.version })}</Tag>
      </Typography.Title>
      <PolicyEditor doc={current.data} />
      <Versions latest={current.data.version} />
    </Space>
  );
}

function PolicyEditor({ doc }: { doc: PolicyDoc }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [preset, setPreset] = useState<Policy['preset']>(doc.policy.preset);
  const [note, setNote] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => {
    form.setFieldsValue(doc.policy);
    setPreset(doc.policy.preset);
  }, [doc, form]);
  const save = useMutation({
    mutationFn: (policy: Policy) =>
      put<PolicyDoc>('/api/policy', { policy, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: async (r) => {
      message.success(t('policy.saved', { v: r.version }));
      setNote('');
      await qc.invalidateQueries({ queryKey: ['policy'] });
    },
  });
  const onFinish = (values: unknown) => {
    const next = merge(doc.policy, values);
    const parsed = policySchema.safeParse({ ...next, preset });
    if (!parsed.success) {
      setInvalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setInvalid(null);
    save.mutate(parsed.data);
  };
  const applyPreset = (name: PresetName) => {
    form.setFieldsValue(presets[name]);
    setPreset(name);
  };
  return (
    <Card
      title={t('policy.editor')}
      extra={
        <Space wrap>
          <Typography.Text type="secondary">{t('policy.presets')}:</Typography.Text>
          {(['team', 'balanced', 'competition'] as const).map((p) => (
            <Button
              key={p}
              size="small"
              type={preset === p ? 'primary' : 'default'}
              onClick={() => applyPreset(p)}
            >
              {t(`policy.preset.${p}`)}
            </Button>
          ))}
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={onFinish} onValuesChange={() => setPreset('custom')}>
        <Row gutter={[16, 0]}>
          {groups.map((g) => (
            <Col key={g.key} xs={24} md={12} xl={8}>
              <fieldset
                style={{
                  border: '1px solid #f0f0f0',
                  borderRadius: 8,
                  padding: '8px 16px',
                  marginBottom: 16,
                }}
              >
                <legend
                  style={{
                    fontSize: 15,
                    fontWeight: 600,
                    width: 'auto',
                    padding: '0 6px',
                    border: 0,
                    margin: 0,
                  }}
                >
                  {t(`policy.group.${g.key}`)}
                </legend>
                {g.fields.map((f) => {
                  const label = t(`policy.field.${f.name.join('.')}`);
                  return (
                    <Form.Item
                      key={f.name.join('.')}
                      label={label}
                      name={f.name}
                      valuePropName={f.kind === 'bool' ? 'checked' : 'value'}
                      rules={f.kind === 'int' ? [{ required: true, message: t('validation.required') }] : []}
                    >
                      {f.kind === 'int' ? (
                        <InputNumber
                          min={0}
                          max={100_000}
                          precision={0}
                          aria-label={label}
                          style={{ width: 140 }}
                        />
                      ) : f.kind === 'bool' ? (
                        <Switch aria-label={label} />
                      ) : (
                        <Select
                          aria-label={label}
                          style={{ width: 200 }}
                          options={f.options!.map((o) => ({ value: o, label: t(`policy.option.${o}`) }))}
                        />
                      )}
                    </Form.Item>
                  );
                })}
              </fieldset>
            </Col>
          ))}
        </Row>
        <Form.Item label={t('policy.note')} htmlFor="policy-note">
          <Input id="policy-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        </Form.Item>
        {invalid ? (
          <Typography.Text type="danger" role="alert">
            {invalid}
          </Typography.Text>
        ) : null}
        <ErrorAlert error={save.error} />
        <Space style={{ marginTop: 12 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('policy.save')}
          </Button>
          <Tag>{t('policy.presetNow', { name: t(`policy.preset.${preset}`) })}</Tag>
        </Space>
      </Form>
    </Card>
  );
}

function Versions({ latest }: { latest: number }) {
  const { t } = useTranslation();
  const versions = useQuery({
    queryKey: ['policy', 'versions'],
    queryFn: () => get<Page<PolicyVersion>>('/api/policy/versions', { limit: 100 }),
  });
  const managers = useManagers();
  const names = new Map((managers.data?.items ?? []).map((m) => [m.id, m.name]));
  const [a, setA] = useState<number>(Math.max(1, latest - 1));
  const [b, setB] = useState<number>(latest);
  useEffect(() => {
    setA(Math.max(1, latest - 1));
    setB(latest);
  }, [latest]);
  const va = useQuery({
    queryKey: ['policy', 'v', a],
    queryFn: () => get<PolicyDoc>(`/api/policy/versions/${a}`),
  });
  const vb = useQuery({
    queryKey: ['policy', 'v', b],
    queryFn: () => get<PolicyDoc>(`/api/policy/versions/${b}`),
  });
  const diff = useMemo(() => {
    if (!va.data || !vb.data) return [];
    const fa = flatten(va.data.policy);
    const fb = flatten(vb.data.policy);
    const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
    return keys
      .filter((k) => fa.get(k) !== fb.get(k))
      .map((k) => ({ key: k, a: fa.get(k) ?? '—', b: fb.get(k) ?? '—' }));
  }, [va.data, vb.data]);
  const options = (versions.data?.items ?? []).map((v) => ({ value: v.version, label: `v${v.version}` }));
  return (
    <Card title={t('policy.versions')}>
      <ErrorAlert error={versions.error} />
      <Table<PolicyVersion>
        aria-label={t('policy.versions')}
        rowKey="version"
        size="small"
        loading={versions.isPending}
        dataSource={versions.data?.items ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          { title: t('policy.col.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('policy.col.at'), dataIndex: 'createdAt', render: (v: string) => fmtDateTime(v) },
          {
            title: t('policy.col.author'),
            dataIndex: 'createdBy',
            render: (v: number | null) => (v === null ? t('policy.system') : (names.get(v) ?? `#${v}`)),
          },
          { title: t('policy.col.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
        ]}
      />
      <Typography.Title level={4}>{t('policy.diff')}</Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('policy.diffFrom')}
          value={a}
          onChange={setA}
          options={options}
          style={{ width: 100 }}
        />
        <span>→</span>
        <Select
          aria-label={t('policy.diffTo')}
          value={b}
          onChange={setB}
          options={options}
          style={{ width: 100 }}
        />
      </Space>
      {va.error || vb.error ? <ErrorAlert error={va.error ?? vb.error} /> : null}
      <Table
        aria-label={t('policy.diff')}
        rowKey="key"
        size="small"
        pagination={false}
        loading={va.isPending || vb.isPending}
        dataSource={diff}
        locale={{ emptyText: <EmptyState text={t('policy.noDiff')} /> }}
        columns={[
          {
            title: t('policy.col.field'),
            dataIndex: 'key',
            render: (k: string) => t(`policy.field.${k}`, { defaultValue: k }),
          },
          { title: `v${a}`, dataIndex: 'a' },
          { title: `v${b}`, dataIndex: 'b' },
        ]}
      />
    </Card>
  );
}
