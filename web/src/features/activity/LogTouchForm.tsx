import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client.ts';
import type { ClientCard } from '../../api/types.ts';
import { ErrorAlert } from '../../ui/states.tsx';
import { type ContactCheck, DIRECTIONS, OUTCOMES, TOUCH_KINDS, type TouchLogged } from './types.ts';
import { warningText } from './warnings.ts';

type Values = {
  kind: (typeof TOUCH_KINDS)[number];
  direction: (typeof DIRECTIONS)[number];
  outcome?: (typeof OUTCOMES)[number];
  contactId?: number;
  occurredAt?: Dayjs;
  nextStep?: string;
  nextStepAt?: Dayjs;
  body?: string;
};

/**
 * «Записать касание»: asks the server first (contact-check) whether the company may speak to the
 * client now; a block is shown and nothing is written, warnings are shown and must be confirmed.
 */
export function LogTouchForm({ card }: { card: ClientCard }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [check, setCheck] = useState<ContactCheck | null>(null);
  const [pending, setPending] = useState<Values | null>(null);

  const save = useMutation({
    mutationFn: (v: Values) =>
      post<TouchLogged>(`/api/clients/${card.id}/touches`, {
        kind: v.kind,
        direction: v.direction,
        outcome: v.outcome ?? null,
        contactId: v.contactId ?? null,
        occurredAt: v.occurredAt?.toISOString(),
        nextStep: v.nextStep?.trim() || null,
        nextStepAt: v.nextStepAt?.toISOString() ?? null,
        body: v.body ?? '',
      }),
    onSuccess: async (r) => {
      message.success(t('activity.touchSaved'));
      for (const w of r.warnings) message.warning(warningText(t, w));
      form.resetFields();
      setCheck(null);
      setPending(null);
      await qc.invalidateQueries({ queryKey: ['client', card.id] });
      await qc.invalidateQueries({ queryKey: ['activity', card.id] });
      await qc.invalidateQueries({ queryKey: ['nudges'] });
      await qc.invalidateQueries({ queryKey: ['expiry'] });
    },
  });
  const probe = useMutation({
    mutationFn: (v: Values) =>
      get<ContactCheck>(`/api/clients/${card.id}/contact-check`, {
        kind: v.kind,
        direction: v.direction,
        contactId: v.contactId,
      }),
    onSuccess: (c, v) => {
      setCheck(c);
      if (!c.allowed) return;
      if (c.warnings.length) setPending(v);
      else save.mutate(v);
    },
  });

  return (
    <section aria-label={t('activity.logTouch')}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'call', direction: 'outbound' }}
        onFinish={(v) => probe.mutate(v)}
        onValuesChange={() => setCheck(null)}
      >
        <Space wrap align="start">
          <Form.Item label={t('activity.field.kind')} name="kind" rules={[{ required: true }]}>
            <Select
              aria-label={t('activity.field.kind')}
              style={{ width: 150 }}
              options={TOUCH_KINDS.map((k) => ({ value: k, label: t(`activity.kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('activity.field.direction')} name="direction">
            <Select
              aria-label={t('activity.field.direction')}
              style={{ width: 150 }}
              options={DIRECTIONS.map((k) => ({ value: k, label: t(`activity.direction.${k}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('activity.field.outcome')} name="outcome">
            <Select
              aria-label={t('activity.field.outcome')}
              allowClear
              style={{ width: 190 }}
              options={OUTCOMES.map((k) => ({ value: k, label: t(`activity.outcome.${k}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('activity.field.contact')} name="contactId">
            <Select
              aria-label={t('activity.field.contact')}
              allowClear
              style={{ width: 200 }}
              options={card.contacts.map((c) => ({
                value: c.id,
                label: c.doNotContact ? `${c.name} (${t('activity.doNotContact')})` : c.name,
              }))}
            />
          </Form.Item>
          <Form.Item label={t('activity.field.occurredAt')} name="occurredAt">
            <DatePicker
              aria-label={t('activity.field.occurredAt')}
              showTime
              format="DD.MM.YYYY HH:mm"
              disabledDate={(d) => d.isAfter(new Date())}
            />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item label={t('activity.field.nextStep')} name="nextStep" rules={[{ max: 1000 }]}>
            <Input aria-label={t('activity.field.nextStep')} style={{ width: 320 }} />
          </Form.Item>
          <Form.Item label={t('activity.field.nextStepAt')} name="nextStepAt">
            <DatePicker aria-label={t('activity.field.nextStepAt')} format="DD.MM.YYYY" />
          </Form.Item>
        </Space>
        <Form.Item label={t('activity.field.body')} name="body" rules={[{ max: 20_000 }]}>
          <Input.TextArea aria-label={t('activity.field.body')} rows={2} />
        </Form.Item>
        {check && !check.allowed && check.rejection ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 12 }}
            message={t(`errors.${check.rejection.code}`, {
              defaultValue: check.rejection.message,
            })}
            description={t('activity.blocked')}
          />
        ) : null}
        {probe.error || save.error ? <ErrorAlert error={probe.error ?? save.error} /> : null}
        <Button type="primary" htmlType="submit" loading={probe.isPending || save.isPending}>
          {t('activity.saveTouch')}
        </Button>
      </Form>
      <Modal
        open={!!pending}
        title={t('activity.warningsTitle')}
        okText={t('activity.saveAnyway')}
        cancelText={t('common.cancel')}
        onCancel={() => setPending(null)}
        onOk={() => pending && save.mutate(pending)}
        okButtonProps={{ loading: save.isPending }}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          {check?.warnings.map((w) => (
            <Alert key={w.code} type="warning" showIcon message={warningText(t, w)} />
          ))}
        </Space>
      </Modal>
    </section>
  );
}
