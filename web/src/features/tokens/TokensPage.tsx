import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Popconfirm, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, post } from '../../api/client.ts';
import type { ApiToken, ApiTokenCreated } from '../../api/types.ts';
import { fmtDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorAlert } from '../../ui/states.tsx';

const scopes = ['telephony', 'full'] as const;
type NewToken = { name: string; scope: ApiToken['scope'] };

/**
 * API tokens (C18): telephony (caller lookup for the PBX) or full (acts as its creator on the whole
 * API); the secret is shown once, right after creation.
 */
export default function TokensPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => get<{ items: ApiToken[] }>('/api/tokens') });
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [form] = Form.useForm<NewToken>();
  const scope = Form.useWatch('scope', form) ?? 'telephony';
  const create = useMutation({
    mutationFn: (v: NewToken) => post<ApiTokenCreated>('/api/tokens', v),
    onSuccess: async (r) => {
      setCreated(r);
      form.resetFields();
      await qc.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => del(`/api/tokens/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tokens'] }),
  });
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('tokens.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('tokens.explain')}</Typography.Paragraph>
      <Form<NewToken>
        form={form}
        layout="inline"
        initialValues={{ scope: 'telephony' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          label={t('tokens.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
        >
          <Input style={{ width: 280 }} />
        </Form.Item>
        <Form.Item label={t('admin.tokenScope.label')} name="scope">
          <Radio.Group
            aria-label={t('admin.tokenScope.label')}
            optionType="button"
            options={scopes.map((x) => ({ value: x, label: t(`admin.tokenScope.${x}`) }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('tokens.create')}
        </Button>
      </Form>
      <Alert
        type={scope === 'full' ? 'warning' : 'info'}
        showIcon
        data-testid="token-scope-help"
        message={t(`admin.tokenScope.${scope}Help`)}
      />
      {created ? (
        <Alert
          type="success"
          showIcon
          message={t('tokens.createdOnce')}
          description={
            <Typography.Text code copyable>
              {created.token}
            </Typography.Text>
          }
        />
      ) : null}
      <ErrorAlert error={tokens.error ?? create.error ?? revoke.error} />
      <Table<ApiToken>
        aria-label={t('tokens.title')}
        rowKey="id"
        size="middle"
        loading={tokens.isPending}
        dataSource={tokens.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState text={t('tokens.empty')} /> }}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name' },
          {
            title: t('admin.tokenScope.col'),
            dataIndex: 'scope',
            render: (v: ApiToken['scope']) => (
              <Tag color={v === 'full' ? 'red' : 'blue'}>{t(`admin.tokenScope.${v}`)}</Tag>
            ),
          },
          {
            title: t('tokens.col.createdBy'),
            dataIndex: 'createdByName',
            render: (v: string | null) => v ?? '—',
          },
          { title: t('tokens.col.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmtDateTime(v) },
          {
            title: t('tokens.col.lastUsedAt'),
            dataIndex: 'lastUsedAt',
            render: (v: string | null) => fmtDateTime(v),
          },
          {
            title: t('tokens.col.state'),
            key: 'state',
            render: (_: unknown, r) =>
              r.revokedAt ? (
                <Tag>{t('tokens.revoked')}</Tag>
              ) : (
                <Popconfirm
                  title={t('tokens.revokeConfirm')}
                  onConfirm={() => revoke.mutate(r.id)}
                  okText={t('tokens.revoke')}
                  cancelText={t('common.cancel')}
                >
                  <Button danger size="small" aria-label={t('tokens.revokeNamed', { name: r.name })}>
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Space>
  );
}
