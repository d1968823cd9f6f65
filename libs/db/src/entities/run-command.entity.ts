import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { JsonValue, RunCommandType } from '@ivoryos/contracts';

/** An operator's control of a run: durable until the agent answers it. */
@Entity({ tableName: 'run_command' })
@Index({ properties: ['runId', 'issuedAt'] })
export class RunCommandRecord {
  [OptionalProps]?: 'id' | 'promptId' | 'issuedByKind' | 'payload' | 'issuedAt' | 'sentAt' | 'answeredAt' | 'outcome' | 'reason';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  runId!: string;

  @Property({ type: 'string', length: 64 })
  deck!: string;

  @Property({ type: 'string', length: 16 })
  type!: RunCommandType;

  @Property({ type: 'string', length: 64, nullable: true })
  promptId: string | null = null;

  /** stop options or the input value. */
  @Property({ type: 'json', nullable: true })
  payload: JsonValue | null = null;

  /** User or API key name. */
  @Property({ type: 'string', length: 100 })
  issuedBy!: string;

  /** Whether issuedBy names a user or an API key. */
  @Property({ type: 'string', length: 8, nullable: true })
  issuedByKind: 'user' | 'key' | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  issuedAt: Date = new Date();

  /** Last time it was put on the deck's command stream. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Index()
  answeredAt: Date | null = null;

  @Property({ type: 'string', length: 16, nullable: true })
  outcome: 'applied' | 'refused' | null = null;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;
}
