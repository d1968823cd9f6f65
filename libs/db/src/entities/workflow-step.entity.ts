import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { JsonObject, JsonValue, StepStatus } from '@ivoryos/contracts';
import { WorkflowPhase } from './workflow-phase.entity';

/** One attempt of one step for one sample. A retry adds a row with the next attempt number. */
@Entity({ tableName: 'workflow_step' })
@Index({ properties: ['runId', 'id'] })
@Index({ properties: ['phase', 'stepIndex', 'sample', 'attempt'] })
export class WorkflowStep {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'sample' | 'args' | 'output' | 'context' | 'status' | 'error' | 'attempt' | 'seq' | 'startedAt' | 'endedAt';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => WorkflowPhase, { deleteRule: 'cascade', updateRule: 'cascade' })
  phase!: Rel<WorkflowPhase>;

  /** Denormalised so a run's steps page without joining phases. */
  @Property({ type: 'uuid' })
  runId!: string;

  @Property({ type: 'integer' })
  stepIndex!: number;

  @Property({ type: 'integer' })
  sample = 0;

  @Property({ type: 'string', length: 128 })
  instrument!: string;

  @Property({ type: 'string', length: 128 })
  methodName!: string;

  @Property({ type: 'json' })
  args: JsonObject = {};

  @Property({ type: 'json', nullable: true })
  output: JsonValue | null = null;

  /** The sample's variables after the step (IvoryOS stores this as the step output). */
  @Property({ type: 'json', nullable: true })
  context: JsonObject | null = null;

  @Property({ type: 'string', length: 16 })
  status: StepStatus = 'running';

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'integer' })
  attempt = 1;

  /** Seq of the event that started this step. */
  @Property({ type: 'integer', nullable: true })
  seq: number | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt: Date | null = null;
}
