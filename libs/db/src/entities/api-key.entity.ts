import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { UserRole } from './user.entity';

/** A credential for LIMS and scripts. Only a hash of the key is stored; the key is shown once. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'id' | 'deck' | 'createdAt' | 'lastUsedAt' | 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 100 })
  name!: string;

  /** The key's first characters (`ivk_` and 8 more): found by index, shown in lists. */
  @Property({ type: 'string', length: 16 })
  @Index()
  prefix!: string;

  /** Hex SHA-256 of the whole key; the key has 256 random bits, so no salt or slow hash is needed. */
  @Property({ type: 'string', length: 64, hidden: true })
  @Unique()
  keyHash!: string;

  @Property({ type: 'string', length: 16 })
  role!: UserRole;

  /** When set, the key reaches only this deck's routes and records. */
  @Property({ type: 'string', length: 64, nullable: true })
  deck: string | null = null;

  /** Username (or key name) of whoever created it. */
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
