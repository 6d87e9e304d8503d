import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, List, Modal, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { validateInn } from '../../../../src/core/identity/ru-identifiers.ts';
import { ApiError, post } from '../../api/client.ts';
import type { Created, MatchResult } from '../../api/types.ts';
import { ErrorAlert } from '../../ui/states.tsx';
import { reasonsText } from '../identity/reasonText.ts';

type Values = {
  displayName: string;
  legalName?: string;
  inn?: string;
  brand?: string;
  contactName?: string;
  phone?: string;
  email?: string;
  address?: string;
  city?: string;
};

/** The same parts the API takes (src/contract/schemas.ts clientCreateInput); empty fields are left out. */
function parts(v: Values) {
  const s = (x?: string) => x?.trim() || undefined;
  return {
    legalEntities:
      s(v.legalName) || s(v.inn) ? [{ name: s(v.legalName) ?? v.displayName, inn: s(v.inn) ?? null }] : [],
    brands: s(v.brand) ? [{ name: s(v.brand)! }] : [],
    contacts:
      s(v.contactName) || s(v.phone) || s(v.email)
        ? [
            {
              name: s(v.contactName) ?? '—',
              phones: s(v.phone) ? [s(v.phone)!] : [],
              emails: s(v.email) ? [s(v.email)!] : [],
            },
          ]
        : [],
    addresses: s(v.address) ? [{ kind: 'hq' as const, address: s(v.address)!, city: s(v.city) ?? null }] : [],
  };
}

const partPaths = {
  legalEntities: 'legal-entities',
  brands: 'brands',
  contacts: 'contacts',
  addresses: 'addresses',
} as const;

/**
 * New client from the «Кто владелец?» box. The server runs the duplicate check (R-ID-3): on 409 the
 * dialog offers to add the data to the existing client instead («Привязать»), or to create anyway
 * with a reason (logged).
 */
export default function CreateClientDialog({
  initialName,
  onClose,
}: {
  initialName: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [values, setValues] = useState<Values | null>(null);
  const [candidates, setCandidates] = useState<MatchResult[] | null>(null);
  const [forceReason, setForceReason] = useState('');
  const done = async (id: number) => {
    await qc.invalidateQueries({ queryKey: ['base'] });
    await qc.invalidateQueries({ queryKey: ['pool'] });
    await qc.invalidateQueries({ queryKey: ['lookup'] });
    onClose();
    navigate(`/clients/${id}`);
  };
  const create = useMutation({
    mutationFn: (a: { v: Values; force?: string }) =>
      post<Created>('/api/clients', {
        displayName: a.v.displayName.trim(),
        ...parts(a.v),
        ...(a.force ? { force: true, forceReason: a.force } : {}),
      }),
    onSuccess: async (r) => {
      message.success(t('create.created'));
      await done(r.id);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'DUPLICATE_SUSPECTED')
        setCandidates((e.details.candidates as MatchResult[]) ?? []);
    },
  });
  const link = useMutation({
    mutationFn: async (clientId: number) => {
      const p = parts(values!);
      for (const kind of Object.keys(partPaths) as (keyof typeof partPaths)[]) {
        for (const part of p[kind])
          await post(`/api/clients/${clientId}/${partPaths[kind]}`, {
            ...part,
            force: true,
            forceReason: 'linked from «Кто владелец?»',
          });
      }
      return clientId;
    },
    onSuccess: async (id) => {
      message.success(t('create.linked'));
      await done(id);
    },
  });
  const submit = (v: Values) => {
    setValues(v);
    setCandidates(null);
    create.mutate({ v });
  };
  const showError =
    create.error && !(create.error instanceof ApiError && create.error.code === 'DUPLICATE_SUSPECTED');
  return (
    <Modal open title={t('create.title')} onCancel={onClose} footer={null} width={640} destroyOnHidden>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ displayName: initialName }}
        onFinish={submit}
      >
        <Form.Item
          label={t('create.displayName')}
          name="displayName"
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 300 }]}
        >
          <Input />
        </Form.Item>
        <Space wrap style={{ width: '100%' }}>
          <Form.Item label={t('create.legalName')} name="legalName" rules={[{ max: 300 }]}>
            <Input style={{ width: 280 }} />
          </Form.Item>
          <Form.Item
            label={t('create.inn')}
            name="inn"
            rules={[
              {
                validator: async (_r, v?: string) => {
                  if (!v?.trim()) return;
                  const r = validateInn(v);
                  if (!r.ok) throw new Error(t(`validation.identifier.${r.error}`));
                },
              },
            ]}
          >
            <Input style={{ width: 200 }} inputMode="numeric" />
          </Form.Item>
        </Space>
        <Form.Item label={t('create.brand')} name="brand" rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
        <Space wrap style={{ width: '100%' }}>
          <Form.Item label={t('create.contactName')} name="contactName" rules={[{ max: 200 }]}>
            <Input style={{ width: 190 }} />
          </Form.Item>
          <Form.Item label={t('create.phone')} name="phone" rules={[{ max: 50 }]}>
            <Input style={{ width: 170 }} />
          </Form.Item>
          <Form.Item
            label={t('create.email')}
            name="email"
            rules={[{ type: 'email', message: t('validation.email') }]}
          >
            <Input style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Space wrap style={{ width: '100%' }}>
          <Form.Item label={t('create.address')} name="address" rules={[{ max: 500 }]}>
            <Input style={{ width: 380 }} />
          </Form.Item>
          <Form.Item label={t('create.city')} name="city" rules={[{ max: 120 }]}>
            <Input style={{ width: 180 }} />
          </Form.Item>
        </Space>
        {showError ? <ErrorAlert error={create.error} /> : null}
        {candidates ? null : (
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('create.submit')}
            </Button>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
          </Space>
        )}
      </Form>
      {candidates ? (
        <Card size="small" style={{ marginTop: 8 }}>
          <Alert
            type="warning"
            showIcon
            role="alert"
            message={t('create.duplicateTitle')}
            description={t('create.duplicateExplain')}
          />
          <List
            aria-label={t('create.candidates')}
            dataSource={candidates}
            renderItem={(c) => (
              <List.Item
                actions={[
                  <Button
                    key="link"
                    type="primary"
                    loading={link.isPending}
                    onClick={() => link.mutate(c.clientId)}
                  >
                    {t('create.link')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={c.client.displayName}
                  description={
                    <>
                      <div>
                        {c.client.owners
                          .map((o) =>
                            o.ownerName ? t('lookup.owner', { name: o.ownerName }) : t('client.inPool'),
                          )
                          .join(', ')}
                      </div>
                      <div>{reasonsText(t, c.reasons)}</div>
                    </>
                  }
                />
              </List.Item>
            )}
          />
          <ErrorAlert error={link.error} />
          <Form layout="vertical" style={{ marginTop: 12 }}>
            <Form.Item label={t('create.forceReason')} required htmlFor="create-force-reason">
              <Input.TextArea
                id="create-force-reason"
                rows={2}
                value={forceReason}
                onChange={(e) => setForceReason(e.target.value)}
              />
            </Form.Item>
            <Space>
              <Button
                danger
                disabled={!forceReason.trim()}
                loading={create.isPending}
                onClick={() => create.mutate({ v: values!, force: forceReason.trim() })}
              >
                {t('create.force')}
              </Button>
              <Button onClick={onClose}>{t('common.cancel')}</Button>
            </Space>
          </Form>
        </Card>
      ) : null}
    </Modal>
  );
}
