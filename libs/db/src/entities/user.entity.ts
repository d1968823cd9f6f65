import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const USER_ROLES = ['viewer', 'operator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A person who logs in. `app_user` because `user` is a reserved word in PostgreSQL. */
@Entity({ tableName: 'app_user' })
export class User {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'id' | 'role' | 'disabled' | 'tokenVersion' | 'createdAt' | 'updatedAt' | 'lastLoginAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 50 })
  @Unique()
  username!: string;

  /** argon2id encoded hash (algorithm, parameters and salt included). */
  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  @Property({ type: 'string', length: 16 })
  role: UserRole = 'viewer';

  @Property({ type: 'boolean' })
  disabled = false;

  /** Carried in every token; raising it (password reset, disabling) ends all sessions at once. */
  @Property({ type: 'integer' })
  tokenVersion = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastLoginAt: Date | null = null;
}
