import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { DeckSchema, JsonObject } from '@ivoryos/contracts';

/** A deck known to the gateway. The last registered schema stays readable while its agent is offline. */
@Entity({ tableName: 'deck' })
export class Deck {
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

  /** Whether new runs are handed to this deck's agent. */
  @Property({ type: 'boolean' })
  queuePaused = false;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
