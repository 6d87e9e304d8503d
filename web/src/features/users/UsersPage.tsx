import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../../api/client.ts';
import type { Page, User } from '../../api/types.ts';
import { fmtDate } from '../../ui/format.ts';
import { ErrorAlert } from '../../ui/states.tsx';

const roles = ['manager', 'head', 'admin'] as const;
const statuses = ['active', 'on_leave', 'left'] as const;

export default function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<Page<User>>('/api/users', { limit: 500 }),
  });
  const [adding, setAdding] = useState(false);
  const change = useMutation({
    mutationFn: (a: { id: number; body: Partial<Pick<User, 'role' | 'status'>> }) =>
      patch(`/api/users/${a.id}`, a.body),
    onSuccess: async () => {
      message.success(t('users.saved'));
      await qc.invalidateQueries({ queryKey: ['users'] });
    },
  });
  // An admin signs a user out everywhere (POST /api/users/:id/sessions/revoke, audited).
  const endSessions = useMutation({
    mutationFn: (id: number) => post<{ revoked: number }>(`/api/users/${id}/sessions/revoke`, {}),
    onSuccess: (r) => message.success(t('admin.sessions.done', { count: r.revoked })),
  });
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('users.title')}
        </Typography.Title>
        <Button type="primary" onClick={() => setAdding(true)}>
          {t('users.add')}
        </Button>
      </Space>
      <ErrorAlert error={users.error ?? change.error ?? endSessions.error} />
      <Table<User>
        aria-label={t('users.title')}
        rowKey="id"
        size="middle"
        loading={users.isPending}
        dataSource={users.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('users.col.name'), dataIndex: 'name' },
          { title: t('users.col.email'), dataIndex: 'email' },
          {
            title: t('users.col.role'),
            dataIndex: 'role',
            render: (v: User['role'], r) => (
              <Select
                aria-label={t('users.roleOf', { name: r.name })}
                value={v}
                style={{ width: 170 }}
                onChange={(role) => change.mutate({ id: r.id, body: { role } })}
                options={roles.map((x) => ({ value: x, label: t(`role.${x}`) }))}
              />
            ),
          },
          {
            title: t('users.col.status'),
            dataIndex: 'status',
            render: (v: User['status'], r) => (
              <Select
                aria-label={t('users.statusOf', { name: r.name })}
                value={v}
                style={{ width: 170 }}
                onChange={(status) => change.mutate({ id: r.id, body: { status } })}
                options={statuses.map((x) => ({ value: x, label: t(`status.${x}`) }))}
              />
            ),
          },
          { title: t('users.col.hiredAt'), dataIndex: 'hiredAt', render: (v: string) => fmtDate(v) },
          {
            title: t('admin.sessions.col'),
            key: 'sessions',
            render: (_: unknown, r) => (
              <Popconfirm
                title={t('admin.sessions.confirm', { name: r.name })}
                onConfirm={() => endSessions.mutate(r.id)}
                okText={t('admin.sessions.revoke')}
                cancelText={t('common.cancel')}
              >
                <Button
                  danger
                  size="small"
                  aria-label={t('admin.sessions.revokeNamed', { name: r.name })}
                  loading={endSessions.isPending && endSessions.variables === r.id}
                >
                  {t('admin.sessions.revoke')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <AddUser open={adding} onClose={() => setAdding(false)} />
    </Space>
  );
}

type NewUser = { name: string; email: string; password: string; role: User['role']; hiredAt?: Dayjs };

function AddUser({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<NewUser>();
  const add = useMutation({
    mutationFn: (v: NewUser) =>
      post('/api/users', { ...v, hiredAt: v.hiredAt ? v.hiredAt.format('YYYY-MM-DD') : undefined }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['users'] });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={t('users.addTitle')}
      okText={t('users.add')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: add.isPending }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<NewUser>
        form={form}
        layout="vertical"
        initialValues={{ role: 'manager' }}
        onFinish={(v) => add.mutate(v)}
      >
        <Form.Item
          label={t('users.col.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          label={t('users.col.email')}
          name="email"
          rules={[{ required: true, type: 'email', message: t('validation.email') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          label={t('users.password')}
          name="password"
          rules={[{ required: true, min: 8, message: t('validation.password') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('users.col.role')} name="role">
          <Select options={roles.map((x) => ({ value: x, label: t(`role.${x}`) }))} />
        </Form.Item>
        <Form.Item label={t('users.col.hiredAt')} name="hiredAt">
          <DatePicker format="DD.MM.YYYY" />
        </Form.Item>
      </Form>
      <ErrorAlert error={add.error} />
    </Modal>
  );
}
