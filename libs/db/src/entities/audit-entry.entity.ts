import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@ivoryos/contracts';

/**
 * An administrative change that no other table records with its author: users, API keys and
 * deck credentials. Hardware calls, run submissions and run controls carry their actor in their
 * own rows; the audit listing reads those tables too.
 */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['at'] })
export class AuditEntry {
  [OptionalProps]?: 'id' | 'at' | 'actorKind' | 'deck' | 'details';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at: Date = new Date();

  /** User or API key name (`system` for changes the gateway makes by itself). */
  @Property({ type: 'string', length: 100 })
  @Index()
  actor!: string;

  @Property({ type: 'string', length: 8, nullable: true })
  actorKind: 'user' | 'key' | null = null;

  /** What happened, e.g. `user.create`, `api-key.revoke`, `deck-token.issue`. */
  @Property({ type: 'string', length: 32 })
  action!: string;

  /** What it happened to: a username, an API key id, a deck name. */
  @Property({ type: 'string', length: 100 })
  target!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  deck: string | null = null;

  /** What changed, never secrets (no passwords, keys or tokens). */
  @Property({ type: 'json', nullable: true })
  details: JsonObject | null = null;
}
