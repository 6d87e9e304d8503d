import { Button, Card, Descriptions, Typography } from 'antd';
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
      <Typography.Paragraph type="secondary">{t('profile.passwordHint')}</Typography.Paragraph>
      <Button
        danger
        onClick={async () => {
          await signOut();
          navigate('/');
        }}
      >
        {t('header.signOut')}
      </Button>
    </Card>
  );
}
