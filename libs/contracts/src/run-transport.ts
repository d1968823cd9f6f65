import type { JsonObject, JsonValue } from './json';
import type { TraceContext } from './trace';
import type { ErrorPolicy, ParameterRow, RunMode } from './runs';
import type { WorkflowDocument } from './workflow';

/**
 * Payload of a `run.accept` job: everything the agent needs to execute a run, since it has no
 * database. The job only hands the run over; the agent executes it outside the BullMQ worker and
 * reports through its event stream.
 */
export interface RunJob {
  runId: string;
  deck: string;
  name: string;
  /** Immutable snapshot taken at submission (embedded registered workflows included). */
  workflow: WorkflowDocument;
  mode: RunMode;
  repeat: number;
  /** Converted rows of the parameter table; null in repeat mode. */
  parameters: ParameterRow[] | null;
  batchSize: number;
  onError: ErrorPolicy;
  /** Hash of the deck schema the run was validated against. */
  schemaHash: string | null;
  submittedBy: string;
  /**
   * Set when the gateway hands over a run that had started before (Redis was wiped, or the agent
   * lost its journal): the last checkpoint and seq PostgreSQL holds. The agent's journal wins
   * when it knows more.
   */
  resume?: { checkpoint: JsonValue; lastSeq: number } | null;
  /** Mode `optimizer`: the campaign the agent runs, choosing each iteration's rows beside its journal. */
  optimizer?: OptimizerJob | null;
  /** The hand-over's span (W3C), parent of the agent's run span; absent when the gateway does not trace. */
  trace?: TraceContext | null;
}

/**
 * An optimizer campaign as the agent receives it: `config` is libs/optimizer's OptimizerConfig (checked
 * again by the agent), trials of earlier runs or CSV files come resolved (the agent has no database).
 */
export interface OptimizerJob {
  config: JsonObject;
  /** Trials this run executes, initial design included (seeded trials come on top). */
  budget: number;
  seed: number;
  earlyStop: { patience: number; minImprovement: number } | null;
  seeded: { parameters: JsonObject; outputs: JsonObject }[];
}

/** `trial`: an operator's trial for an optimizer run (`value: { parameters }`), run as the next iteration. */
export const RUN_COMMAND_TYPES = ['pause', 'resume', 'retry', 'skip', 'stop', 'input', 'trial'] as const;
export type RunCommandType = (typeof RUN_COMMAND_TYPES)[number];

export type StopWhen = 'after-iteration' | 'now';

/**
 * An operator's control, durable as a PostgreSQL row and delivered on the deck's command stream
 * (`streamKeys.commands(deck)`, field STREAM_FIELD). The agent answers each with a `command`
 * run event naming `commandId`; until then the gateway re-sends it after reconnects and wipes.
 */
export interface RunCommand {
  commandId: string;
  runId: string;
  type: RunCommandType;
  /** The prompt being answered (retry, skip, resume, input); a stale one is refused. */
  promptId?: string | null;
  stop?: { when: StopWhen; cleanup: boolean } | null;
  /** Converted value for `input`; `{ parameters }` for `trial`. */
  value?: JsonValue;
  issuedBy: string;
  issuedAt: string;
}

/**
 * A deck-level command on the deck's command stream (beside run commands, which carry a `runId`):
 * `restart-bridge` restarts a Python deck's bridge child. Fire and forget: the agent logs the outcome and
 * ignores one issued before it started (its bridge is new anyway).
 */
export interface DeckCommand {
  kind: 'deck';
  commandId: string;
  type: 'restart-bridge';
  issuedBy: string;
  issuedAt: string;
}

/** A command stream entry's JSON text as a deck command, or null when it is not one (a run command). */
export function parseDeckCommand(text: string | undefined): DeckCommand | null {
  let data: unknown;
  try {
    data = JSON.parse(text ?? '');
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d['kind'] !== 'deck' || d['type'] !== 'restart-bridge' || typeof d['commandId'] !== 'string') return null;
  return {
    kind: 'deck', commandId: d['commandId'], type: 'restart-bridge',
    issuedBy: typeof d['issuedBy'] === 'string' ? d['issuedBy'] : '', issuedAt: typeof d['issuedAt'] === 'string' ? d['issuedAt'] : '',
  };
}
