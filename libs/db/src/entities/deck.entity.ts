import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { DeckActivity, DeckSchema, JsonObject } from '@ivoryos/contracts';

/** A deck known to the gateway. The last registered schema stays readable while its agent is offline. */
@Entity({ tableName: 'deck' })
export class Deck {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'schema' | 'schemaHash' | 'agent' | 'lastSeenAt' | 'offlineAt' | 'activity' | 'queuePaused' | 'createdAt';

  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'json', nullable: true })
  schema: DeckSchema | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  schemaHash: string | null = null;

  /** `{ pid, host, version }` of the agent that registered last. */
  @Property({ type: 'json', nullable: true })
  agent: JsonObject | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastSeenAt: Date | null = null;

  /** Set when the agent said goodbye (orderly shutdown); cleared by its next heartbeat. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  offlineAt: Date | null = null;

  /** What the agent reported in its last heartbeat. */
  @Property({ type: 'string', length: 8 })
  activity: DeckActivity = 'idle';

  /** Whether new runs are handed to this deck's agent. */
  @Property({ type: 'boolean' })
  queuePaused = false;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
