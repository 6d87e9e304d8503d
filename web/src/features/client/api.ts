import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client.ts';
import type { Manager } from '../../api/types.ts';

/** Managers and heads with their base counts and caps (names for the timeline, transfer targets). */
export function useManagers() {
  return useQuery({
    queryKey: ['managers'],
    queryFn: () => get<{ items: Manager[] }>('/api/managers'),
    staleTime: 60_000,
  });
}
