import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isoWeekOf } from '../../../../src/core/activity/iso-week.ts';
import { get, post } from '../../api/client.ts';
import { useMe } from '../../app/auth.ts';
import type { ClientListItem } from '../../api/types.ts';
import { CapMeter } from '../../ui/CapMeter.tsx';
import { DASH, fmtDate, isFuture } from '../../ui/format.ts';
import type { Plan } from '../activity/types.ts';
import { ProtectionBadge } from '../../ui/ProtectionBadge.tsx';
import { EmptyState, ErrorAlert, errorText, Loading } from '../../ui/states.tsx';
import { useMyBase } from './api.ts';
import { ExpiryDays } from '../activity/ExpiryDays.tsx';
import { useMyExpiry } from '../activity/api.ts';

type Protection = 'all' | 'protected' | 'unprotected';
type Age = 'all' | 'new' | 'old';
type Focus = 'all' | 'untouched' | 'expiring' | 'planned';
const DAY = 86_400_000;
/** «Истекают»: the client goes back to the pool within this many days. */
const EXPIRING_DAYS = 14;
const UNTOUCHED_DAYS = 30;

/** The clients in my plan for this ISO week (for the «в плане недели» filter). */
function useThisWeekPlan() {
  const me = useMe();
  const id = me.data?.id;
  const week = isoWeekOf(new Date());
  return useQuery({
    queryKey: ['plans', id, week],
    enabled: !!id,
    queryFn: () => get<Plan>(`/api/plans/${id}/${week}`),
    select: (p) => new Set(p.items.map((i) => i.clientId)),
  });
}

export default function BasePage() {
  const { t } = useTranslation();
  const base = useMyBase();
  const expiry = useMyExpiry();
  const [q, setQ] = useState('');
  const [protection, setProtection] = useState<Protection>('all');
  const [age, setAge] = useState<Age>('all');
  const [focus, setFocus] = useState<Focus>('all');
  const planned = useThisWeekPlan();
  const [selected, setSelected] = useState<number[]>([]);
  const [releasing, setReleasing] = useState(false);

  const rows = useMemo(() => {
    const now = Date.now();
    const needle = q.trim().toLocaleLowerCase('ru');
    return (base.data?.items ?? []).filter((c) => {
      if (needle && !c.displayName.toLocaleLowerCase('ru').includes(needle)) return false;
      const prot = isFuture(c.protectedUntil, now);
      if (protection === 'protected' && !prot) return false;
      if (protection === 'unprotected' && prot) return false;
      const days = (now - new Date(c.since).getTime()) / DAY;
      if (age === 'new' && days > 30) return false;
      if (age === 'old' && days <= 30) return false;
      if (
        focus === 'untouched' &&
        c.lastTouchAt &&
        now - new Date(c.lastTouchAt).getTime() < UNTOUCHED_DAYS * DAY
      )
        return false;
      if (focus === 'expiring') {
        const e = expiry.data?.byClient.get(c.id);
        if (!e || e.daysLeft > EXPIRING_DAYS) return false;
      }
      if (focus === 'planned' && !planned.data?.has(c.id)) return false;
      return true;
    });
  }, [base.data, q, protection, age, focus, expiry.data, planned.data]);

  if (base.isPending) return <Loading />;
  if (base.error) return <ErrorAlert error={base.error} />;
  const { manager, items } = base.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('base.title')}
        </Typography.Title>
        <CapMeter count={manager.baseCount} cap={manager.cap} />
      </Space>
      <Card size="small">
        <Space wrap>
          <Input.Search
            aria-label={t('base.filterName')}
            placeholder={t('base.filterName')}
            allowClear
            value={q}
            onChange={(e) => setQ(e.target.value)}
            style={{ width: 260 }}
          />
          <Select<Protection>
            aria-label={t('base.filterProtection')}
            value={protection}
            onChange={setProtection}
            style={{ width: 200 }}
            options={[
              { value: 'all', label: t('base.protection.all') },
              { value: 'protected', label: t('base.protection.protected') },
              { value: 'unprotected', label: t('base.protection.unprotected') },
            ]}
          />
          <Select<Age>
            aria-label={t('base.filterAge')}
            value={age}
            onChange={setAge}
            style={{ width: 220 }}
            options={[
              { value: 'all', label: t('base.age.all') },
              { value: 'new', label: t('base.age.new') },
              { value: 'old', label: t('base.age.old') },
            ]}
          />
          <Select<Focus>
            aria-label={t('baseWork.filterFocus')}
            value={focus}
            onChange={setFocus}
            style={{ width: 240 }}
            options={[
              { value: 'all', label: t('baseWork.focus.all') },
              { value: 'untouched', label: t('baseWork.focus.untouched', { days: UNTOUCHED_DAYS }) },
              { value: 'expiring', label: t('baseWork.focus.expiring', { days: EXPIRING_DAYS }) },
              { value: 'planned', label: t('baseWork.focus.planned') },
            ]}
          />
          <Button danger disabled={!selected.length} onClick={() => setReleasing(true)}>
            {t('base.releaseSelected', { count: selected.length })}
          </Button>
        </Space>
      </Card>
      <Table<ClientListItem>
        aria-label={t('base.tableLabel')}
        rowKey="id"
        size="middle"
        dataSource={rows}
        locale={{ emptyText: <EmptyState text={items.length ? t('base.noMatches') : t('base.empty')} /> }}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys as number[]),
          getCheckboxProps: (r) => ({ 'aria-label': t('base.selectClient', { name: r.displayName }) }),
        }}
        columns={[
          {
            title: t('base.col.client'),
            dataIndex: 'displayName',
            render: (name: string, r) => (
              <Space size={4}>
                <Link to={`/clients/${r.id}`}>{name}</Link>
                {r.isKey ? <Tag color="gold">{t('baseWork.key')}</Tag> : null}
              </Space>
            ),
            sorter: (a, b) => a.displayName.localeCompare(b.displayName, 'ru'),
          },
          {
            title: t('base.col.since'),
            dataIndex: 'since',
            render: (v: string) => fmtDate(v),
            sorter: (a, b) => a.since.localeCompare(b.since),
            defaultSortOrder: 'descend',
          },
          {
            title: t('base.col.protection'),
            dataIndex: 'protectedUntil',
            render: (v: string | null) => <ProtectionBadge until={v} />,
          },
          {
            title: t('base.col.lastTouch'),
            dataIndex: 'lastTouchAt',
            render: (v: string | null, r) =>
              v ? (
                <Space size={4}>
                  <span
                    style={{
                      color:
                        Date.now() - new Date(v).getTime() >= UNTOUCHED_DAYS * DAY ? '#cf1322' : undefined,
                    }}
                  >
                    {fmtDate(v)}
                  </span>
                  {r.lastTouchKind ? (
                    <Typography.Text type="secondary">
                      {t(`activity.kind.${r.lastTouchKind}`, { defaultValue: r.lastTouchKind })}
                    </Typography.Text>
                  ) : null}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('baseWork.noTouch')}</Typography.Text>
              ),
            sorter: (a, b) => (a.lastTouchAt ?? '').localeCompare(b.lastTouchAt ?? ''),
          },
          {
            title: t('base.col.expiry'),
            key: 'expiry',
            render: (_: unknown, r) => <ExpiryDays item={expiry.data?.byClient.get(r.id)} />,
          },
          {
            title: t('base.col.nextStep'),
            dataIndex: 'nextStep',
            render: (v: string | null, r) =>
              v ? (
                <Tooltip title={v}>
                  <span>
                    {v.length > 60 ? `${v.slice(0, 60)}…` : v}
                    {r.nextStepAt ? (
                      <Typography.Text type={isFuture(r.nextStepAt) ? 'secondary' : 'danger'}>
                        {' '}
                        · {fmtDate(r.nextStepAt)}
                      </Typography.Text>
                    ) : null}
                  </span>
                </Tooltip>
              ) : (
                DASH
              ),
          },
        ]}
      />
      <ReleaseDialog
        open={releasing}
        ids={selected}
        onClose={(done) => {
          setReleasing(false);
          if (done) setSelected([]);
        }}
      />
    </Space>
  );
}

function ReleaseDialog({
  open,
  ids,
  onClose,
}: {
  open: boolean;
  ids: number[];
  onClose: (done: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const release = useMutation({
    mutationFn: async (reason: string) => {
      const failed: string[] = [];
      for (const id of ids) {
        try {
          await post(`/api/clients/${id}/release`, { reason });
        } catch (e) {
          failed.push(errorText(t, e).title);
        }
      }
      return { released: ids.length - failed.length, failed };
    },
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['base'] });
      await qc.invalidateQueries({ queryKey: ['pool'] });
      if (r.failed.length)
        message.warning(t('base.releasePartly', { released: r.released, failed: r.failed.length }));
      else message.success(t('base.released', { count: r.released }));
      form.resetFields();
      onClose(true);
    },
  });
  return (
    <Modal
      open={open}
      title={t('base.releaseTitle', { count: ids.length })}
      okText={t('base.releaseOk')}
      okButtonProps={{ danger: true, loading: release.isPending }}
      cancelText={t('common.cancel')}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => release.mutate(v.reason)}>
        <Form.Item
          label={t('base.releaseReason')}
          name="reason"
          rules={[
            { required: true, whitespace: true, message: t('validation.reasonRequired') },
            { max: 1000 },
          ]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
