import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '@ivoryos/contracts';

export type SingleStepStatus = 'pending' | 'running' | 'completed' | 'failed';

/** One direct-control call of an instrument method. */
@Entity({ tableName: 'single_step' })
@Index({ properties: ['deck', 'instrument'] })
export class SingleStep {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'id' | 'number' | 'kwargs' | 'output' | 'status' | 'error' | 'calledBy' | 'calledByKind' | 'idempotencyKey' | 'createdAt' | 'startedAt' | 'endedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Assigned by the database, ascending: IvoryOS's clients name direct calls (tasks) by integer ids. */
  @Property({ type: 'integer', autoincrement: true, unique: true })
  number!: number;

  @Property({ type: 'string', length: 64 })
  deck!: string;

  @Property({ type: 'string', length: 128 })
  instrument!: string;

  @Property({ type: 'string', length: 128 })
  methodName!: string;

  /** The arguments as submitted, before conversion. */
  @Property({ type: 'json' })
  kwargs: JsonObject = {};

  @Property({ type: 'json', nullable: true })
  output: JsonValue | null = null;

  @Property({ type: 'string', length: 16 })
  status: SingleStepStatus = 'pending';

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  @Index()
  calledBy: string | null = null;

  /** Whether calledBy names a user or an API key (names of the two may coincide). */
  @Property({ type: 'string', length: 8, nullable: true })
  calledByKind: 'user' | 'key' | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  @Unique()
  idempotencyKey: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt: Date | null = null;
}
