import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client.ts';
import { useMe } from '../../app/auth.ts';
import type { Expiry, NotificationPage, Nudges } from './types.ts';

/** When my clients go back to the pool (R-EXP-1…4): one row per owned client, keyed by client id. */
export function useMyExpiry() {
  const me = useMe();
  const id = me.data?.id;
  return useQuery({
    queryKey: ['expiry', 'me', id],
    enabled: !!id && me.data?.role !== 'admin',
    queryFn: () => get<Expiry>('/api/expiry', { manager: id, limit: 5000 }),
    select: (d) => ({ enabled: d.enabled, byClient: new Map(d.items.map((i) => [i.clientId, i])) }),
  });
}

/** The header badge: unread notifications, polled every 30 s. */
export function useUnreadCount() {
  return useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => get<NotificationPage>('/api/notifications', { unread: 'true', limit: 1 }),
    refetchInterval: 30_000,
    select: (d) => d.unreadCount,
  });
}

export function useNudges(enabled = true) {
  return useQuery({
    queryKey: ['nudges'],
    enabled,
    queryFn: () => get<Nudges>('/api/nudges/daily'),
  });
}

/** Days left as a colour: ≤ 7 red, ≤ 14 orange. */
export function daysLeftColor(days: number): string | undefined {
  if (days <= 7) return 'red';
  if (days <= 14) return 'orange';
  return undefined;
}
