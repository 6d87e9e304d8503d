import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client.ts';
import type { BaseOut } from '../../api/types.ts';
import { useMe } from '../../app/auth.ts';

/** My base in the default line: the manager's cap and count, and every client (a base is at most a few hundred). */
export function useMyBase() {
  const me = useMe();
  const id = me.data?.id;
  return useQuery({
    queryKey: ['base', id],
    enabled: !!id,
    queryFn: () => get<BaseOut>(`/api/managers/${id}/base`, { limit: 500 }),
  });
}
