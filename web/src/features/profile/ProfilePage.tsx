import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Popconfirm, Space, Typography } from 'antd';
import { post } from '../../api/client.ts';
import { ErrorAlert } from '../../ui/states.tsx';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useMe, useSignOut } from '../../app/auth.ts';
import { fmtDate } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';

export default function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  if (!me.data) return <Loading />;
  const u = me.data;
  return (
    <Card style={{ maxWidth: 560 }}>
      <Typography.Title level={2}>{t('profile.title')}</Typography.Title>
      <Descriptions
        column={1}
        items={[
          { key: 'name', label: t('profile.name'), children: u.name },
          { key: 'email', label: t('profile.email'), children: u.email },
          { key: 'role', label: t('profile.role'), children: t(`role.${u.role}`) },
          { key: 'status', label: t('profile.status'), children: t(`status.${u.status}`) },
          { key: 'hired', label: t('profile.hiredAt'), children: fmtDate(u.hiredAt) },
          { key: 'ext', label: t('profile.extension'), children: u.phoneExtension ?? '—' },
        ]}
      />
      <ChangePassword />
      <Space wrap>
        <Button
          danger
          onClick={async () => {
            await signOut();
            navigate('/');
          }}
        >
          {t('header.signOut')}
        </Button>
        <SignOutEverywhere />
      </Space>
    </Card>
  );
}

type PasswordForm = { currentPassword: string; newPassword: string; repeat: string };

function ChangePassword() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const change = useMutation({
    mutationFn: (v: PasswordForm) =>
      post('/api/me/password', { currentPassword: v.currentPassword, newPassword: v.newPassword }),
    onSuccess: () => {
      message.success(t('profile.passwordChanged'));
      form.resetFields();
    },
  });
  return (
    <Card size="small" title={t('profile.changePassword')} style={{ margin: '16px 0' }}>
      <Form<PasswordForm> form={form} layout="vertical" onFinish={(v) => change.mutate(v)}>
        <Form.Item
          label={t('profile.currentPassword')}
          name="currentPassword"
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label={t('profile.newPassword')}
          name="newPassword"
          rules={[{ required: true, min: 8, max: 200, message: t('validation.password') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('profile.repeatPassword')}
          name="repeat"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: async (_r, v) => {
                if (v && v !== getFieldValue('newPassword')) throw new Error(t('validation.passwordsDiffer'));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <ErrorAlert error={change.error} />
        <Space style={{ marginTop: 8 }}>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {t('profile.savePassword')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** «Выйти на всех устройствах»: every session of the user ends (a lost phone, a shared computer). */
function SignOutEverywhere() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => post<{ revoked: number }>('/api/auth/sessions/revoke-all'),
    onSuccess: () => {
      message.success(t('security.signOutEverywhereDone'));
      // Every session is gone, this one too: start over from a clean page (no cached data survives).
      qc.clear();
      window.location.assign('/');
    },
  });
  return (
    <>
      <Popconfirm
        title={t('security.signOutEverywhereConfirm')}
        okText={t('security.signOutEverywhere')}
        onConfirm={() => revoke.mutate()}
      >
        <Button danger loading={revoke.isPending}>
          {t('security.signOutEverywhere')}
        </Button>
      </Popconfirm>
      <ErrorAlert error={revoke.error} />
    </>
  );
}
