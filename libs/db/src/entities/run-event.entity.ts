import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { JsonValue, RunEventType } from '@ivoryos/contracts';

/**
 * The ledger of every event a run's agent reported, keyed by (run, seq): ingestion inserts with
 * ON CONFLICT DO NOTHING, so a re-sent event is never applied twice. Live views replay from it.
 */
@Entity({ tableName: 'run_event' })
@Index({ properties: ['runId', 'type'] })
export class RunEventRecord {
  @PrimaryKey({ type: 'uuid' })
  runId!: string;

  @PrimaryKey({ type: 'integer' })
  seq!: number;

  @Property({ type: 'string', length: 32 })
  type!: RunEventType;

  /** The event without its type; null for checkpoints (kept on the run, too large to repeat here). */
  @Property({ type: 'json', nullable: true })
  payload!: JsonValue | null;

  /** When the agent produced it. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
