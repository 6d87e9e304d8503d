import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post } from '../api/client.ts';
import type { User } from '../api/types.ts';

export type Role = User['role'];
export const ALL_ROLES: readonly Role[] = ['manager', 'head', 'admin'];
export const SELLERS: readonly Role[] = ['manager', 'head'];

/** The signed-in user, or null when there is no session (a 401 is an answer here, not an error). */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await get<User>('/api/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    try {
      await post('/api/auth/logout');
    } finally {
      qc.clear();
      qc.setQueryData(['me'], null);
    }
  };
}

export function homePath(role: Role): string {
  return role === 'admin' ? '/users' : role === 'head' ? '/dashboard' : '/base';
}
