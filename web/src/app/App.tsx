import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from '../api/client.ts';
import { Loading } from '../ui/states.tsx';
import { homePath, useMe } from './auth.ts';
import { screens } from './screens.tsx';
import { Shell } from './Shell.tsx';

const LoginPage = lazy(() => import('../features/auth/LoginPage.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    },
  },
});

export function App() {
  const { i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ru';
  useEffect(() => {
    dayjs.locale(lang);
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : ruRU} theme={{ token: { colorPrimary: '#1f5fbf' } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Routing />
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

function Routing() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  const user = me.data ?? null;
  if (!user)
    return (
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="*" element={<LoginPage />} />
        </Routes>
      </Suspense>
    );
  return (
    <Shell user={user}>
      <Suspense fallback={<Loading />}>
        <Routes>
          {screens
            .filter((s) => s.roles.includes(user.role))
            .map((s) => (
              <Route key={s.path} path={s.path} element={<s.component />} />
            ))}
          <Route path="*" element={<Navigate to={homePath(user.role)} replace />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
