import { USER_ROLES, type UserRole } from '@ivoryos/db';

/** What a route needs: nobody (`public`) or at least one role. */
export const ACCESS_LEVELS = ['public', ...USER_ROLES] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

const RANK: Record<UserRole, number> = { viewer: 1, operator: 2, admin: 3 };

/** viewer < operator < admin; every role passes `public`. */
export function roleAllows(role: UserRole, level: AccessLevel): boolean {
  return level === 'public' || RANK[role] >= RANK[level];
}

export function isRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}
