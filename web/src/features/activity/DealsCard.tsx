import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../../api/client.ts';
import { DASH, fmtDate, fmtMoney } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import { DEAL_STAGES, type Deal, type DealChanged, type DealPage, type DealStage } from './types.ts';

const STAGE_COLOR: Record<DealStage, string> = {
  lead: 'default',
  proposal: 'blue',
  negotiation: 'purple',
  won: 'green',
  lost: 'red',
};

/** Deals of one client: create, move the stage, record a win with the order's dates (C9). */
export function DealsCard({ clientId, canEdit }: { clientId: number; canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [winning, setWinning] = useState<Deal | null>(null);
  const deals = useQuery({
    queryKey: ['activity', clientId, 'deals'],
    queryFn: () => get<DealPage>(`/api/clients/${clientId}/deals`, { limit: 200 }),
  });
  const move = useMutation({
    mutationFn: ({ id, stage }: { id: number; stage: DealStage }) =>
      patch<DealChanged>(`/api/deals/${id}`, { stage }),
    onSuccess: async () => {
      message.success(t('deals.moved'));
      await qc.invalidateQueries({ queryKey: ['activity', clientId, 'deals'] });
    },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canEdit ? <Button onClick={() => setCreating(true)}>{t('deals.create')}</Button> : null}
      {move.error ? <ErrorAlert error={move.error} /> : null}
      {deals.isPending ? <Loading /> : null}
      {deals.error ? <ErrorAlert error={deals.error} /> : null}
      {deals.data ? (
        <Table<Deal>
          aria-label={t('deals.title')}
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={deals.data.items}
          locale={{ emptyText: <EmptyState text={t('deals.empty')} /> }}
          columns={[
            { title: t('deals.col.title'), dataIndex: 'title' },
            {
              title: t('deals.col.amount'),
              dataIndex: 'amountKopecks',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
            { title: t('deals.col.manager'), dataIndex: 'managerName' },
            {
              title: t('deals.col.stage'),
              dataIndex: 'stage',
              render: (s: DealStage, d) =>
                canEdit && s !== 'won' ? (
                  <Select<DealStage>
                    aria-label={t('deals.stageOf', { title: d.title })}
                    size="small"
                    value={s}
                    style={{ width: 150 }}
                    onChange={(stage) => (stage === 'won' ? setWinning(d) : move.mutate({ id: d.id, stage }))}
                    options={DEAL_STAGES.map((k) => ({ value: k, label: t(`deals.stage.${k}`) }))}
                  />
                ) : (
                  <Tag color={STAGE_COLOR[s]}>{t(`deals.stage.${s}`)}</Tag>
                ),
            },
            {
              title: t('deals.col.dates'),
              key: 'dates',
              render: (_: unknown, d) =>
                d.stage === 'won'
                  ? t('deals.wonDates', {
                      won: fmtDate(d.wonAt),
                      signed: fmtDate(d.signedAt),
                      paid: fmtDate(d.paidAt),
                    })
                  : d.expectedCloseAt
                    ? t('deals.expected', { date: fmtDate(d.expectedCloseAt) })
                    : DASH,
            },
          ]}
        />
      ) : null}
      <CreateDealDialog clientId={clientId} open={creating} onClose={() => setCreating(false)} />
      <WinDialog clientId={clientId} deal={winning} onClose={() => setWinning(null)} />
    </Space>
  );
}

function CreateDealDialog({
  clientId,
  open,
  onClose,
}: {
  clientId: number;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ title: string; amount: number; stage: DealStage; expectedCloseAt?: Dayjs }>();
  const create = useMutation({
    mutationFn: (v: { title: string; amount: number; stage: DealStage; expectedCloseAt?: Dayjs }) =>
      post<DealChanged>(`/api/clients/${clientId}/deals`, {
        title: v.title,
        amountKopecks: Math.round(v.amount * 100),
        stage: v.stage,
        expectedCloseAt: v.expectedCloseAt?.toISOString() ?? null,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['activity', clientId, 'deals'] });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={t('deals.createTitle')}
      okText={t('deals.createOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: create.isPending }}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ stage: 'lead' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item label={t('deals.col.title')} name="title" rules={[{ required: true, whitespace: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('deals.amountRub')} name="amount" rules={[{ required: true }]}>
          <InputNumber min={0} step={1000} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={t('deals.col.stage')} name="stage">
          <Select
            options={DEAL_STAGES.filter((s) => s !== 'won' && s !== 'lost').map((k) => ({
              value: k,
              label: t(`deals.stage.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item label={t('deals.expectedCloseAt')} name="expectedCloseAt">
          <DatePicker format="DD.MM.YYYY" />
        </Form.Item>
        {create.error ? <ErrorAlert error={create.error} /> : null}
      </Form>
    </Modal>
  );
}

type WinValues = { wonAt?: Dayjs; signedAt?: Dayjs; dueAt?: Dayjs; paidAt?: Dayjs };

function WinDialog({
  clientId,
  deal,
  onClose,
}: {
  clientId: number;
  deal: Deal | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<WinValues>();
  const win = useMutation({
    mutationFn: (v: WinValues) =>
      patch<DealChanged>(`/api/deals/${deal!.id}`, {
        stage: 'won',
        ...(v.wonAt ? { wonAt: v.wonAt.toISOString() } : {}),
        signedAt: v.signedAt?.toISOString() ?? null,
        dueAt: v.dueAt?.toISOString() ?? null,
        paidAt: v.paidAt?.toISOString() ?? null,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['activity', clientId, 'deals'] });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={!!deal}
      title={t('deals.winTitle', { title: deal?.title ?? '' })}
      okText={t('deals.winOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: win.isPending }}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => win.mutate(v)}>
        <Form.Item label={t('deals.wonAt')} name="wonAt">
          <DatePicker format="DD.MM.YYYY" disabledDate={(d) => d.isAfter(new Date())} />
        </Form.Item>
        <Form.Item label={t('deals.signedAt')} name="signedAt">
          <DatePicker format="DD.MM.YYYY" />
        </Form.Item>
        <Form.Item label={t('deals.dueAt')} name="dueAt">
          <DatePicker format="DD.MM.YYYY" />
        </Form.Item>
        <Form.Item label={t('deals.paidAt')} name="paidAt">
          <DatePicker format="DD.MM.YYYY" />
        </Form.Item>
        {win.error ? <ErrorAlert error={win.error} /> : null}
      </Form>
    </Modal>
  );
}
