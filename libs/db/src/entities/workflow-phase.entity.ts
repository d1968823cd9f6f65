import { Collection, Entity, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { JsonObject, ParameterRow, PhaseName } from '@ivoryos/contracts';
import { WorkflowRun } from './workflow-run.entity';
import { WorkflowStep } from './workflow-step.entity';

/** One execution of a phase: one prep, one main per iteration or batch, one cleanup. */
@Entity({ tableName: 'workflow_phase' })
@Index({ properties: ['run', 'name', 'repeatIndex'] })
export class WorkflowPhase {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'repeatIndex' | 'parameters' | 'meta' | 'outputs' | 'startedAt' | 'endedAt';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => WorkflowRun, { deleteRule: 'cascade', updateRule: 'cascade' })
  run!: Rel<WorkflowRun>;

  @Property({ type: 'string', length: 16 })
  name!: PhaseName;

  /** 1-based: 1 for prep and cleanup, the iteration or batch for main. */
  @Property({ type: 'integer' })
  repeatIndex = 1;

  /** The parameter rows of this phase's samples; null in repeat mode. */
  @Property({ type: 'json', nullable: true })
  parameters: ParameterRow[] | null = null;

  /** Optimizer runs: per sample, what the optimizer said about its row (suggestedBy, acquisition, fitMs, note). */
  @Property({ type: 'json', nullable: true })
  meta: JsonObject[] | null = null;

  /** Per-sample context after the phase: parameters, variables and saved outputs. */
  @Property({ type: 'json', nullable: true })
  outputs: JsonObject[] | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @OneToMany(() => WorkflowStep, (s) => s.phase, { orphanRemoval: true })
  steps = new Collection<WorkflowStep>(this);
}
