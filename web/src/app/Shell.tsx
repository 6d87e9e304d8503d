import { Button, Layout, Menu, Segmented, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import type { User } from '../api/types.ts';
import { GlobalLookup } from '../features/lookup/GlobalLookup.tsx';
import { NotificationBell } from '../features/notifications/NotificationBell.tsx';
import { type Lang, setLang } from '../i18n/index.ts';
import { useSignOut } from './auth.ts';
import { screens } from './screens.tsx';

export function Shell({ user, children }: { user: User; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const items = screens
    .filter((s) => s.nav && s.roles.includes(user.role))
    .map((s) => ({ key: s.path, label: <Link to={s.path}>{t(s.nav!)}</Link> }));
  const selected = items.find((i) => location.pathname.startsWith(i.key))?.key;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={210} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: '18px 24px', fontWeight: 700, fontSize: 18 }}>Fairbase</div>
        <nav aria-label={t('nav.main')}>
          <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={items} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            alignItems: 'center',
            gap: 16,
            paddingInline: 24,
            lineHeight: 'normal',
          }}
        >
          <div style={{ flex: 1, maxWidth: 560 }}>
            <GlobalLookup canCreate={user.role !== 'admin'} />
          </div>
          <Space style={{ marginLeft: 'auto' }}>
            <NotificationBell />
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
            <Link to="/profile" aria-label={t('header.profile')}>
              <Typography.Text>{user.name}</Typography.Text>
            </Link>
            <Button
              onClick={async () => {
                await signOut();
                navigate('/');
              }}
            >
              {t('header.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>{children}</main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
