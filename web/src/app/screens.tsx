import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { ALL_ROLES, type Role, SELLERS } from './auth.ts';

/**
 * Every screen is one entry here and one lazily loaded module under features/ (its own JS chunk).
 * A new capability (touches, plans, disputes, dashboard…) adds an entry: the menu and the
 * routes follow. `nav` is the i18n key of its menu item; screens without it are reached by links.
 */
export type Screen = {
  path: string;
  nav?: string;
  roles: readonly Role[];
  component: LazyExoticComponent<ComponentType>;
};

export const screens: Screen[] = [
  {
    path: '/dashboard',
    nav: 'menu.dashboard',
    roles: SELLERS,
    component: lazy(() => import('../features/dashboard/DashboardPage.tsx')),
  },
  {
    path: '/notifications',
    nav: 'menu.notifications',
    roles: ALL_ROLES,
    component: lazy(() => import('../features/notifications/NotificationsPage.tsx')),
  },
  {
    path: '/plans',
    nav: 'menu.plans',
    roles: SELLERS,
    component: lazy(() => import('../features/plans/PlansPage.tsx')),
  },
  {
    path: '/sweep',
    nav: 'menu.sweep',
    roles: ['head'],
    component: lazy(() => import('../features/sweep/SweepPage.tsx')),
  },
  {
    path: '/base',
    nav: 'nav.base',
    roles: SELLERS,
    component: lazy(() => import('../features/base/BasePage.tsx')),
  },
  {
    path: '/pool',
    nav: 'nav.pool',
    roles: ALL_ROLES,
    component: lazy(() => import('../features/pool/PoolPage.tsx')),
  },
  {
    path: '/clients/:id',
    roles: ALL_ROLES,
    component: lazy(() => import('../features/client/ClientPage.tsx')),
  },
  {
    path: '/review',
    nav: 'nav.review',
    roles: SELLERS,
    component: lazy(() => import('../features/review/ReviewPage.tsx')),
  },
  {
    path: '/disputes',
    nav: 'disputes.menu',
    roles: SELLERS,
    component: lazy(() => import('../features/disputes/DisputesPage.tsx')),
  },
  {
    path: '/disputes/:id',
    roles: SELLERS,
    component: lazy(() => import('../features/disputes/DisputesPage.tsx')),
  },
  {
    path: '/simulator',
    nav: 'simulator.menu',
    roles: ['head'],
    component: lazy(() => import('../features/simulator/SimulatorPage.tsx')),
  },
  {
    path: '/money',
    nav: 'money.menu',
    roles: SELLERS,
    component: lazy(() => import('../features/money/MoneyPage.tsx')),
  },
  {
    path: '/import',
    nav: 'import.menu',
    roles: ['head', 'admin'],
    component: lazy(() => import('../features/import/ImportPage.tsx')),
  },
  {
    path: '/handover',
    nav: 'handover.menu',
    roles: ['head'],
    component: lazy(() => import('../features/handover/HandoverPage.tsx')),
  },
  {
    path: '/handover/:id',
    roles: ['head'],
    component: lazy(() => import('../features/handover/HandoverPage.tsx')),
  },
  {
    path: '/policy',
    nav: 'nav.policy',
    roles: ['head'],
    component: lazy(() => import('../features/policy/PolicyPage.tsx')),
  },
  {
    path: '/tokens',
    nav: 'nav.tokens',
    roles: ['head'],
    component: lazy(() => import('../features/tokens/TokensPage.tsx')),
  },
  {
    path: '/users',
    nav: 'nav.users',
    roles: ['admin'],
    component: lazy(() => import('../features/users/UsersPage.tsx')),
  },
  {
    path: '/export',
    nav: 'export.menu',
    roles: ALL_ROLES,
    component: lazy(() => import('../features/export/ExportPage.tsx')),
  },
  {
    path: '/audit',
    nav: 'audit.menu',
    roles: ['admin', 'head'],
    component: lazy(() => import('../features/audit/AuditPage.tsx')),
  },
  {
    path: '/profile',
    roles: ALL_ROLES,
    component: lazy(() => import('../features/profile/ProfilePage.tsx')),
  },
];
