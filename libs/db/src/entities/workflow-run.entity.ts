import { Collection, Entity, Index, OneToMany, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type {
  ErrorPolicy, JsonObject, JsonValue, ParameterRow, RunMode, RunStatus, TraceContext, WaitingPrompt, WorkflowDocument,
} from '@ivoryos/contracts';
import { WorkflowPhase } from './workflow-phase.entity';

/** One queued or executed run of a workflow on a deck. Holds its own immutable workflow snapshot. */
@Entity({ tableName: 'workflow_run' })
@Index({ properties: ['deck', 'status'] })
export class WorkflowRun {
  /** Columns with defaults, optional in `em.create`. */
  [OptionalProps]?: 'id' | 'number' | 'workflowName' | 'mode' | 'status' | 'waiting' | 'error' | 'repeat' | 'parameters' | 'optimizer' | 'batchSize' | 'onError' | 'position' | 'checkpoint' | 'lastSeq' | 'dispatchedAt' | 'progress' | 'startedBy' | 'startedByKind' | 'externalId' | 'metadata' | 'notify' | 'traceContext' | 'idempotencyKey' | 'createdAt' | 'startedAt' | 'endedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /**
   * A number the database assigns at creation, unique across decks and ascending by creation:
   * IvoryOS's clients name runs by integer ids (and take the highest as the newest).
   */
  @Property({ type: 'integer', autoincrement: true, unique: true })
  number!: number;

  @Property({ type: 'string', length: 128 })
  @Index()
  name!: string;

  @Property({ type: 'string', length: 64 })
  deck!: string;

  /** Name of the workflow when the run was submitted; the workflow may be deleted since. */
  @Property({ type: 'string', length: 50, nullable: true })
  @Index()
  workflowName: string | null = null;

  @Property({ type: 'json' })
  workflowSnapshot!: WorkflowDocument;

  @Property({ type: 'string', length: 16 })
  mode: RunMode = 'repeat';

  @Property({ type: 'string', length: 16 })
  status: RunStatus = 'queued';

  @Property({ type: 'json', nullable: true })
  waiting: WaitingPrompt | null = null;

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'integer' })
  repeat = 1;

  @Property({ type: 'json', nullable: true })
  parameters: ParameterRow[] | null = null;

  /** Mode `optimizer`: the checked campaign (config, budget, seed, early stop, resolved seed trials). */
  @Property({ type: 'json', nullable: true })
  optimizer: JsonObject | null = null;

  @Property({ type: 'integer' })
  batchSize = 1;

  @Property({ type: 'string', length: 8 })
  onError: ErrorPolicy = 'wait';

  /** Queue order among the deck's queued runs (lower runs first). */
  @Property({ type: 'double', nullable: true })
  position: number | null = null;

  @Property({ type: 'json', nullable: true })
  checkpoint: JsonValue | null = null;

  /** When the run was handed to its deck's agent (still `queued` until the agent reports it started). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  dispatchedAt: Date | null = null;

  /** Last progress the agent reported: iteration of total, step of steps. */
  @Property({ type: 'json', nullable: true })
  progress: JsonObject | null = null;

  /** Highest event seq applied; run state only moves forward. */
  @Property({ type: 'integer' })
  lastSeq = 0;

  /** User name or API key name that submitted the run. */
  @Property({ type: 'string', length: 100, nullable: true })
  @Index()
  startedBy: string | null = null;

  @Property({ type: 'string', length: 8, nullable: true })
  startedByKind: 'user' | 'key' | null = null;

  @Property({ type: 'string', length: 128, nullable: true })
  @Index()
  externalId: string | null = null;

  @Property({ type: 'json', nullable: true })
  metadata: JsonObject | null = null;

  @Property({ type: 'json', nullable: true })
  notify: string[] | null = null;

  /** W3C trace context of the submitting request's span, so the run's later spans join its trace (null when not tracing). */
  @Property({ type: 'json', nullable: true })
  traceContext: TraceContext | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  @Unique()
  idempotencyKey: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Index()
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Index()
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @OneToMany(() => WorkflowPhase, (p) => p.run, { orphanRemoval: true })
  phases = new Collection<WorkflowPhase>(this);
}
