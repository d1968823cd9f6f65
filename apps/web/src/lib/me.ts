import { useSuspenseQuery } from '@tanstack/react-query';
import { $api, type Schemas } from '../api/client';

export const meQuery = $api.queryOptions('get', '/api/me', {}, { staleTime: 60_000, retry: false });

export type Me = Schemas['MeResponse'];

/** The signed-in user (loaded by the app layout before any page renders). */
export function useMe(): Me & { canOperate: boolean; isAdmin: boolean } {
  const { data } = useSuspenseQuery(meQuery);
  return { ...data, canOperate: data.role !== 'viewer', isAdmin: data.role === 'admin' };
}
