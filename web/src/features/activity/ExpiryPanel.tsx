import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Descriptions, Form, Input, Modal, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client.ts';
import type { ClientCard } from '../../api/types.ts';
import { fmtDate } from '../../ui/format.ts';
import { ErrorAlert } from '../../ui/states.tsx';
import { daysLeftColor } from './api.ts';
import type { Expiry, ExpiryItem } from './types.ts';

/** When an owned client goes back to the pool, by which rule; a head postpones it with a reason. */
export function ExpiryPanel({ card, isHead, meId }: { card: ClientCard; isHead: boolean; meId: number }) {
  const { t } = useTranslation();
  // A manager may read only their own expiry list; a head reads every owner's.
  const ownerIds = [
    ...new Set(
      card.owners.flatMap((o) => (o.ownerId !== null && (isHead || o.ownerId === meId) ? [o.ownerId] : [])),
    ),
  ];
  const expiry = useQuery({
    queryKey: ['expiry', 'client', card.id, ownerIds],
    enabled: ownerIds.length > 0,
    queryFn: async () => {
      const rows: ExpiryItem[] = [];
      for (const m of ownerIds) {
        const r = await get<Expiry>('/api/expiry', { manager: m, limit: 5000 });
        rows.push(...r.items.filter((i) => i.clientId === card.id));
      }
      return rows;
    },
  });
  const [extending, setExtending] = useState<ExpiryItem | null>(null);
  if (!ownerIds.length) return null;
  if (expiry.error) return <ErrorAlert error={expiry.error} />;
  const rows = expiry.data ?? [];
  return (
    <>
      <Descriptions
        size="small"
        column={1}
        items={rows.map((r) => ({
          key: r.lineId,
          label: t('expiry.returnsOn', { owner: r.ownerName }),
          children: (
            <span>
              <Tag color={daysLeftColor(r.daysLeft)}>
                {t('expiry.dateLeft', { date: fmtDate(r.expiresAt), days: r.daysLeft })}
              </Tag>{' '}
              {t('expiry.rule', { rule: r.rule })}
              {r.heldBy ? ` · ${t(`expiry.heldBy.${r.heldBy}`)}` : ''}{' '}
              {isHead ? (
                <Button size="small" onClick={() => setExtending(r)}>
                  {t('expiry.extend')}
                </Button>
              ) : null}
            </span>
          ),
        }))}
      />
      {isHead ? <ExtendDialog clientId={card.id} row={extending} onClose={() => setExtending(null)} /> : null}
    </>
  );
}

function ExtendDialog({
  clientId,
  row,
  onClose,
}: {
  clientId: number;
  row: ExpiryItem | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ until: Dayjs; reason: string }>();
  const extend = useMutation({
    mutationFn: (v: { until: Dayjs; reason: string }) =>
      post(`/api/clients/${clientId}/extend`, {
        until: v.until.endOf('day').toISOString(),
        reason: v.reason,
        lineId: row?.lineId,
      }),
    onSuccess: async () => {
      message.success(t('expiry.extended'));
      await qc.invalidateQueries({ queryKey: ['expiry'] });
      await qc.invalidateQueries({ queryKey: ['client', clientId] });
      await qc.invalidateQueries({ queryKey: ['activity', clientId] });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={!!row}
      title={t('expiry.extendTitle')}
      okText={t('expiry.extendOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: extend.isPending }}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => extend.mutate(v)}>
        <Form.Item label={t('expiry.until')} name="until" rules={[{ required: true }]}>
          <DatePicker format="DD.MM.YYYY" disabledDate={(d) => d.isBefore(new Date())} />
        </Form.Item>
        <Form.Item
          label={t('expiry.reason')}
          name="reason"
          rules={[
            { required: true, whitespace: true, message: t('validation.reasonRequired') },
            { max: 1000 },
          ]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        {extend.error ? <ErrorAlert error={extend.error} /> : null}
      </Form>
    </Modal>
  );
}
