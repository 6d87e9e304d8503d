import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { post } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { type Lang, setLang } from '../../i18n/index.ts';
import { ErrorAlert } from '../../ui/states.tsx';

type LoginForm = { email: string; password: string };

export default function LoginPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const login = useMutation({
    mutationFn: (v: LoginForm) => post<{ user: User }>('/api/auth/login', v),
    onSuccess: (r) => {
      performance.mark('fairbase:signed-in');
      qc.setQueryData(['me'], r.user);
    },
  });
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          Fairbase
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        <main>
          <Form<LoginForm> layout="vertical" onFinish={(v) => login.mutate(v)} requiredMark={false}>
            <Form.Item
              label={t('login.email')}
              name="email"
              rules={[{ required: true, type: 'email', message: t('validation.email') }]}
            >
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              label={t('login.password')}
              name="password"
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            {login.error ? (
              <div style={{ marginBottom: 16 }}>
                <ErrorAlert error={login.error} />
              </div>
            ) : null}
            <Button type="primary" htmlType="submit" block loading={login.isPending}>
              {t('login.submit')}
            </Button>
          </Form>
        </main>
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          <Segmented
            aria-label={t('header.language')}
            size="small"
            value={i18n.language === 'en' ? 'en' : 'ru'}
            options={[
              { label: 'RU', value: 'ru' },
              { label: 'EN', value: 'en' },
            ]}
            onChange={(v) => setLang(v as Lang)}
          />
        </div>
      </Card>
    </div>
  );
}
