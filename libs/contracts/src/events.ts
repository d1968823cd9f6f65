import type { JsonObject, JsonValue } from './json';
import type { TraceContext } from './trace';
import type { ParameterRow, PhaseName, RunStatus, StepStatus, WaitingPrompt } from './runs';

/** Position of one step execution inside a run. `stepIndex` is the action's `id` in its phase. */
export interface StepLocation {
  phase: PhaseName;
  /** 1-based, as IvoryOS records it: 1 for prep and cleanup, the iteration (or batch) for main. */
  repeatIndex: number;
  stepIndex: number;
  /** 0-based sample within a batch; 0 without batches. */
  sample: number;
  /**
   * IvoryOS's highlight id: `<phase key>-<id - 1>` (`script-2`), steps of an embedded workflow append their
   * own (`script-2-0`). Tells apart steps that share a `stepIndex` across nesting levels.
   */
  section?: string;
}

export type RunEvent =
  | { type: 'run.status'; status: RunStatus; waiting?: WaitingPrompt | null; error?: string | null }
  | {
      type: 'phase.started'; phase: PhaseName; repeatIndex: number; parameters: ParameterRow[] | null;
      /** Optimizer runs: per row, what the optimizer said about it (suggestedBy, acquisition, fitMs, note). */
      meta?: JsonObject[] | null;
    }
  | { type: 'phase.finished'; phase: PhaseName; repeatIndex: number; outputs: JsonObject[] }
  | ({ type: 'step.started'; instrument: string; methodName: string; args: JsonObject; attempt: number } & StepLocation)
  | ({
      type: 'step.finished';
      instrument: string;
      methodName: string;
      args: JsonObject;
      attempt: number;
      status: StepStatus;
      /** The call's return value (sanitised to JSON). */
      output: JsonValue;
      /** The sample's variables after the step. */
      context: JsonObject;
      error?: string | null;
    } & StepLocation)
  | { type: 'progress'; iteration: number; total: number; step: number; steps: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'checkpoint'; checkpoint: JsonValue }
  /** The agent's answer to an operator command (RunCommand), applied or refused with the reason. */
  | { type: 'command'; commandId: string; command: string; outcome: 'applied' | 'refused'; reason?: string | null };

export type RunEventType = RunEvent['type'];

/** What travels on a deck's event stream: one run event, numbered per run by the agent. */
export interface EventEnvelope<E extends RunEvent = RunEvent> {
  runId: string;
  deck: string;
  /** Strictly increasing per run, assigned and journaled by the agent before sending. */
  seq: number;
  /** ISO time the agent produced the event. */
  at: string;
  event: E;
  /** The agent's span this event belongs to (the driver call for step events, else the phase or run), W3C; absent when the agent does not trace. */
  trace?: TraceContext | null;
}
