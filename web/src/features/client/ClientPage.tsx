import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, patch, post } from '../../api/client.ts';
import { OpenDisputeButton } from '../disputes/OpenDisputeButton.tsx';
import type { ClientCard, LookupResult, Manager } from '../../api/types.ts';
import { SELLERS, useMe } from '../../app/auth.ts';
import { DASH, fmtDate } from '../../ui/format.ts';
import { ProtectionBadge } from '../../ui/ProtectionBadge.tsx';
import { ErrorAlert, Loading } from '../../ui/states.tsx';
import { useDebounced } from '../../ui/useDebounced.ts';
import { SwapDialog } from '../pool/SwapDialog.tsx';
import { ApiError } from '../../api/client.ts';
import { useManagers } from './api.ts';
import { ClientActivity } from '../activity/ClientActivity.tsx';

export default function ClientPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const card = useQuery({ queryKey: ['client', id], queryFn: () => get<ClientCard>(`/api/clients/${id}`) });
  const managers = useManagers();
  const [dialog, setDialog] = useState<'edit' | 'transfer' | 'merge' | null>(null);
  const [swapTarget, setSwapTarget] = useState<{ id: number; displayName: string } | null>(null);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['client', id] });
    await qc.invalidateQueries({ queryKey: ['activity', id] });
    await qc.invalidateQueries({ queryKey: ['base'] });
    await qc.invalidateQueries({ queryKey: ['pool'] });
  };
  const claim = useMutation({
    mutationFn: () => post(`/api/clients/${id}/claim`),
    onSuccess: async () => {
      message.success(t('pool.claimed', { name: card.data?.displayName }));
      await refresh();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'CAP_REACHED' && card.data)
        setSwapTarget({ id, displayName: card.data.displayName });
    },
  });
  const markKey = useMutation({
    mutationFn: (key: boolean) => post(`/api/clients/${id}/key`, { key }),
    onSuccess: async (_, key) => {
      message.success(key ? t('clientKey.marked') : t('clientKey.unmarked'));
      await qc.invalidateQueries({ queryKey: ['client', id] });
      await qc.invalidateQueries({ queryKey: ['base'] });
    },
  });
  const release = useMutation({
    mutationFn: () => post(`/api/clients/${id}/release`, {}),
    onSuccess: async () => {
      message.success(t('client.releasedOne'));
      await refresh();
    },
  });

  if (card.isPending) return <Loading />;
  if (card.error) return <ErrorAlert error={card.error} />;
  const c = card.data;
  const user = me.data!;
  const isSeller = SELLERS.includes(user.role);
  const isHead = user.role === 'head';
  const inPool = c.owners.some((o) => o.ownerId === null);
  const mine = c.owners.some((o) => o.ownerId === user.id);
  const actionError =
    claim.error && !(claim.error instanceof ApiError && claim.error.code === 'CAP_REACHED')
      ? claim.error
      : (release.error ?? markKey.error);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <div>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {c.displayName}
          </Typography.Title>
          {c.isKey ? (
            <Tag color="gold" title={t('clientKey.hint')}>
              {t('clientKey.tag')}
            </Tag>
          ) : null}
          {c.mergedInto ? (
            <Typography.Text type="warning">
              {t('client.mergedInto')} <Link to={`/clients/${c.mergedInto}`}>#{c.mergedInto}</Link>
            </Typography.Text>
          ) : null}
        </div>
        <Space wrap>
          {isSeller && inPool ? (
            <Button type="primary" loading={claim.isPending} onClick={() => claim.mutate()}>
              {t('pool.claim')}
            </Button>
          ) : null}
          {mine ? (
            <Button danger loading={release.isPending} onClick={() => release.mutate()}>
              {t('client.release')}
            </Button>
          ) : null}
          {user.role === 'manager' && !mine && !inPool ? <OpenDisputeButton clientId={c.id} /> : null}
          {isSeller ? <Button onClick={() => setDialog('edit')}>{t('client.edit')}</Button> : null}
          {isHead ? (
            <Space size={6}>
              <Switch
                aria-label={t('clientKey.toggle')}
                checked={c.isKey}
                loading={markKey.isPending}
                onChange={(v) => markKey.mutate(v)}
              />
              <Typography.Text>{t('clientKey.toggle')}</Typography.Text>
            </Space>
          ) : null}
          {isHead ? <Button onClick={() => setDialog('transfer')}>{t('client.transfer')}</Button> : null}
          {isHead ? <Button onClick={() => setDialog('merge')}>{t('client.merge')}</Button> : null}
        </Space>
      </Space>
      {actionError ? <ErrorAlert error={actionError} /> : null}

      <Card title={t('client.owners')} size="small">
        <Table
          aria-label={t('client.owners')}
          rowKey="lineId"
          size="small"
          pagination={false}
          dataSource={c.owners}
          columns={[
            { title: t('client.col.line'), dataIndex: 'lineName' },
            {
              title: t('client.col.owner'),
              dataIndex: 'ownerName',
              render: (v: string | null) => v ?? <Tag>{t('client.inPool')}</Tag>,
            },
            { title: t('client.col.since'), dataIndex: 'since', render: (v: string) => fmtDate(v) },
            {
              title: t('client.col.protection'),
              dataIndex: 'protectedUntil',
              render: (v: string | null) => <ProtectionBadge until={v} />,
            },
          ]}
        />
      </Card>

      <Card title={t('client.identity')} size="small">
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Table
            aria-label={t('client.legalEntities')}
            title={() => <Typography.Text strong>{t('client.legalEntities')}</Typography.Text>}
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={c.legalEntities}
            locale={{ emptyText: t('client.none') }}
            columns={[
              {
                title: t('client.col.name'),
                dataIndex: 'name',
                render: (v: string, r) =>
                  r.legalForm && !v.startsWith(r.legalForm) ? `${r.legalForm} ${v}` : v,
              },
              { title: t('client.col.inn'), dataIndex: 'inn', render: (v: string | null) => v ?? DASH },
              { title: t('client.col.kpp'), dataIndex: 'kpp', render: (v: string | null) => v ?? DASH },
              { title: t('client.col.ogrn'), dataIndex: 'ogrn', render: (v: string | null) => v ?? DASH },
            ]}
          />
          <div>
            <Typography.Text strong>{t('client.brands')}: </Typography.Text>
            {c.brands.length ? c.brands.map((b) => <Tag key={b.id}>{b.name}</Tag>) : t('client.none')}
          </div>
          <Table
            aria-label={t('client.contacts')}
            title={() => <Typography.Text strong>{t('client.contacts')}</Typography.Text>}
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={c.contacts}
            locale={{ emptyText: t('client.none') }}
            columns={[
              {
                title: t('client.col.name'),
                dataIndex: 'name',
                render: (v: string, r) => (
                  <Space wrap>
                    {v}
                    {r.isDecisionMaker ? <Tag color="blue">{t('client.decisionMaker')}</Tag> : null}
                    {r.doNotContact ? <Tag color="red">{t('client.doNotContact')}</Tag> : null}
                  </Space>
                ),
              },
              {
                title: t('client.col.position'),
                dataIndex: 'position',
                render: (v: string | null) => v ?? DASH,
              },
              {
                title: t('client.col.phones'),
                dataIndex: 'phones',
                render: (v: string[]) => v.join(', ') || DASH,
              },
              {
                title: t('client.col.emails'),
                dataIndex: 'emails',
                render: (v: string[]) => v.join(', ') || DASH,
              },
            ]}
          />
          <Descriptions
            title={t('client.addresses')}
            size="small"
            column={1}
            items={
              c.addresses.length
                ? c.addresses.map((a) => ({
                    key: a.id,
                    label: t(`client.addressKind.${a.kind}`),
                    children: [a.city, a.address].filter(Boolean).join(', '),
                  }))
                : [{ key: 0, label: DASH, children: t('client.none') }]
            }
          />
          {c.notes ? <Typography.Paragraph>{c.notes}</Typography.Paragraph> : null}
        </Space>
      </Card>

      <ClientActivity card={c} />

      <EditDialog open={dialog === 'edit'} card={c} onClose={() => setDialog(null)} />
      {isHead ? (
        <TransferDialog
          open={dialog === 'transfer'}
          card={c}
          managers={managers.data?.items ?? []}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {isHead ? <MergeDialog open={dialog === 'merge'} card={c} onClose={() => setDialog(null)} /> : null}
      <SwapDialog
        target={swapTarget}
        onClose={async (swapped) => {
          setSwapTarget(null);
          if (swapped) await refresh();
        }}
      />
    </Space>
  );
}

function EditDialog({ open, card, onClose }: { open: boolean; card: ClientCard; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ displayName: string; notes: string }>();
  const save = useMutation({
    mutationFn: (v: { displayName: string; notes: string }) =>
      patch(`/api/clients/${card.id}`, {
        displayName: v.displayName,
        notes: v.notes?.trim() ? v.notes : null,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['client', card.id] });
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={t('client.editTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: save.isPending }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ displayName: card.displayName, notes: card.notes ?? '' }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          label={t('client.displayName')}
          name="displayName"
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 300 }]}
        >
          <Input />
        </Form.Item>
        <Form.Item label={t('client.notes')} name="notes" rules={[{ max: 5000 }]}>
          <Input.TextArea rows={4} />
        </Form.Item>
      </Form>
      <ErrorAlert error={save.error} />
    </Modal>
  );
}

function TransferDialog({
  open,
  card,
  managers,
  onClose,
}: {
  open: boolean;
  card: ClientCard;
  managers: Manager[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  type Values = { toManagerId: number; reason: string; overrideProtection?: boolean };
  const [form] = Form.useForm<Values>();
  const go = useMutation({
    mutationFn: (v: Values) =>
      post(`/api/clients/${card.id}/transfer`, { ...v, overrideProtection: v.overrideProtection === true }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['client', card.id] });
      await qc.invalidateQueries({ queryKey: ['activity', card.id] });
      await qc.invalidateQueries({ queryKey: ['base'] });
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={t('client.transferTitle')}
      okText={t('client.transfer')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: go.isPending }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => go.mutate(v)}>
        <Form.Item
          label={t('client.transferTo')}
          name="toManagerId"
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={managers
              .filter((m) => m.status === 'active')
              .map((m) => ({ value: m.id, label: `${m.name} (${m.baseCount} / ${m.cap})` }))}
          />
        </Form.Item>
        <Form.Item
          label={t('client.transferReason')}
          name="reason"
          rules={[
            { required: true, whitespace: true, message: t('validation.reasonRequired') },
            { max: 1000 },
          ]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="overrideProtection" valuePropName="checked">
          <Checkbox>{t('client.overrideProtection')}</Checkbox>
        </Form.Item>
      </Form>
      <ErrorAlert error={go.error} />
    </Modal>
  );
}

function MergeDialog({ open, card, onClose }: { open: boolean; card: ClientCard; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const [other, setOther] = useState<number | null>(null);
  const found = useQuery({
    queryKey: ['lookup', query],
    enabled: query.length > 1,
    queryFn: () => get<LookupResult>('/api/lookup', { q: query, limit: 10 }),
  });
  const merge = useMutation({
    mutationFn: () => post(`/api/clients/${card.id}/merge`, { otherClientId: other }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['client'] });
      await qc.invalidateQueries({ queryKey: ['activity'] });
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={t('client.mergeTitle', { name: card.displayName })}
      okText={t('client.merge')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !other, loading: merge.isPending }}
      onOk={() => merge.mutate()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('client.mergeExplain')}</Typography.Paragraph>
      <Select
        aria-label={t('client.mergeWith')}
        placeholder={t('client.mergeWith')}
        showSearch
        filterOption={false}
        onSearch={setQ}
        value={other ?? undefined}
        onChange={(v) => setOther(v)}
        loading={found.isFetching}
        style={{ width: '100%' }}
        notFoundContent={query.length > 1 && !found.isFetching ? t('lookup.nothing') : null}
        options={(found.data?.items ?? [])
          .filter((i) => i.clientId !== card.id)
          .map((i) => ({
            value: i.clientId,
            label: `${i.client.displayName}${i.client.owners[0]?.ownerName ? ` — ${i.client.owners[0].ownerName}` : ''}`,
          }))}
      />
      <div style={{ marginTop: 12 }}>
        <ErrorAlert error={merge.error} />
      </div>
    </Modal>
  );
}
