import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { post } from '../../api/client.ts';
import type { ClientListItem } from '../../api/types.ts';
import { CapMeter } from '../../ui/CapMeter.tsx';
import { DASH, fmtDate, isFuture } from '../../ui/format.ts';
import { ProtectionBadge } from '../../ui/ProtectionBadge.tsx';
import { EmptyState, ErrorAlert, errorText, Loading } from '../../ui/states.tsx';
import { useMyBase } from './api.ts';
import { ExpiryDays } from '../activity/ExpiryDays.tsx';
import { useMyExpiry } from '../activity/api.ts';

type Protection = 'all' | 'protected' | 'unprotected';
type Age = 'all' | 'new' | 'old';
const DAY = 86_400_000;

export default function BasePage() {
  const { t } = useTranslation();
  const base = useMyBase();
  const expiry = useMyExpiry();
  const [q, setQ] = useState('');
  const [protection, setProtection] = useState<Protection>('all');
  const [age, setAge] = useState<Age>('all');
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
      return true;
    });
  }, [base.data, q, protection, age]);

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
            render: (name: string, r) => <Link to={`/clients/${r.id}`}>{name}</Link>,
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
          // Touches and expiry come with the touch log capability (C3/C7): shown as «—» until then.
          { title: t('base.col.lastTouch'), key: 'lastTouch', render: () => DASH },
          {
            title: t('base.col.expiry'),
            key: 'expiry',
            render: (_: unknown, r) => <ExpiryDays item={expiry.data?.byClient.get(r.id)} />,
          },
          { title: t('base.col.nextStep'), key: 'next', render: () => DASH },
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
