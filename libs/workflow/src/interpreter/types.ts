import type {
  DeckSchema, ErrorPolicy, EventEnvelope, JsonObject, JsonValue, ParameterRow, StepLocation, WorkflowDocument,
} from '@ivoryos/contracts';

/** One instrument call the interpreter asks for. */
export interface StepCall {
  /** `deck.<name>`, `blocks.<category>`, as written in the workflow. */
  instrument: string;
  /** Method, getter, or `<prop>_(setter)`. */
  action: string;
  /** Arguments with references resolved and literals converted to their declared types. */
  args: Record<string, JsonValue>;
  location: StepLocation;
  attempt: number;
  /** The step runs once for the whole batch (`batch_action`). */
  batch: boolean;
  /** The driver method is async (`coroutine` in the workflow JSON). */
  coroutine: boolean;
}

/**
 * Thrown by an invoker when the process running the driver died during the call (a Python deck's bridge):
 * the step becomes `interrupted`, exactly as after an agent crash, and waits for retry, skip or stop.
 */
export class StepInterruptedError extends Error {}

/** What executes instrument calls: the deck agent's real drivers, or a fake in tests. */
export interface StepInvoker {
  invoke(call: StepCall): Promise<unknown>;
}

/** Time source; inject a virtual one in tests so waits are instant. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts (it never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** What to run: repeat N, or one iteration per parameter row; `batchSize` samples per iteration. */
export interface RunPlan {
  /** Iterations of the script phase when there are no parameter rows (default 1). */
  repeat?: number;
  /** Converted parameter rows; when given, the script phase runs once per row, or per batch of rows. */
  parameters?: ParameterRow[] | null;
  /** Samples per iteration (default 1): per-sample steps run for each, `batch_action` steps once. */
  batchSize?: number;
  /**
   * Rows chosen one iteration at a time from the results so far (an optimizer campaign): `repeat` and
   * `parameters` are ignored, and each iteration's rows come from `source.next`.
   */
  source?: RowSource | null;
}

/** One sample of a finished iteration of a row-source run: its row and its context after the script phase. */
export interface IterationResult {
  /** 1-based, as `repeatIndex`. */
  iteration: number;
  parameters: ParameterRow;
  /** Parameters, variables and saved outputs, as `phase.finished` reports them. */
  outputs: JsonObject;
  /** What the source said about the row when it gave it (an optimizer: suggested by, acquisition, fit time). */
  meta: JsonObject | null;
}

/** An iteration's rows from a source, with optional notes per row that come back in its results. */
export interface SourceRows {
  rows: ParameterRow[];
  meta?: JsonObject[];
}

/** Where a campaign's rows come from. */
export interface RowSource {
  /** Identifies the campaign (config and seed) in checkpoints, so one campaign's checkpoint never resumes another. */
  fingerprint: string;
  /** Most iterations the campaign can take (for progress events). */
  maxIterations: number;
  /**
   * The rows of the next iteration given every finished sample so far, or null when the campaign ends.
   * Must be a pure function of its inputs: after a restart the same results give the same rows.
   * A rejection makes the run wait for an operator (retry or stop).
   */
  next(results: IterationResult[], iteration: number): Promise<SourceRows | null>;
  /** Rows to use instead when `next` failed and the operator skipped (an optimizer's next design point). */
  fallback?(results: IterationResult[], iteration: number): Promise<SourceRows | null>;
}

export interface InterpreterOptions {
  runId: string;
  deck: string;
  workflow: Pick<WorkflowDocument, 'script_dict'> & Partial<WorkflowDocument>;
  plan: RunPlan;
  invoker: StepInvoker;
  /** Receives every event in `seq` order. A returned promise is awaited before the run goes on (journal writes). */
  onEvent: (event: EventEnvelope) => void | Promise<void>;
  /** What happens when a step or condition fails: wait for an operator (default), skip it, or stop the run. */
  errorPolicy?: ErrorPolicy;
  /** Enum literals are converted by the schema's choices when given. */
  schema?: DeckSchema;
  clock?: Clock;
  /** Continue a run from a checkpoint (as emitted, or parsed back from JSON). */
  checkpoint?: JsonValue;
  /** First seq to use; after a restart the agent's journal knows better than the checkpoint. */
  nextSeq?: number;
  /**
   * When the checkpoint has a step in flight but the journal also holds that step's `step.finished`
   * (the agent stopped between the two events), its result: the step is then completed (or failed) from
   * the journal instead of being reported as interrupted, and the driver is not called again.
   */
  inFlightResult?: JournaledResult;
  /** Emit `checkpoint` events (default true). */
  emitCheckpoints?: boolean;
}

/** The outcome of a step as its `step.finished` event recorded it. */
export interface JournaledResult {
  status: 'completed' | 'failed';
  output: JsonValue;
  error?: string | null;
}

export type FinalStatus = 'completed' | 'stopped' | 'failed';

export interface RunOutcome {
  status: FinalStatus;
  error: string | null;
}

/** Answer to a control: refused controls say why (nothing to retry, wrong prompt id, invalid input). */
export interface ControlResult {
  accepted: boolean;
  reason?: string;
}
