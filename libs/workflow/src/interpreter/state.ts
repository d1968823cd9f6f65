import type { JsonObject, JsonValue, ParameterRow, PhaseKey, PhaseName, StepLocation, WaitingPrompt } from '@ivoryos/contracts';
import type { IterationResult } from './types';

/**
 * The interpreter's whole position, as plain JSON so it can be checkpointed. Loops are frames on a stack
 * instead of JavaScript recursion, which is what lets a fresh interpreter continue mid-loop.
 * Frames point at nodes by block id (`script.3.body`) and index (`at`) in that block.
 */

/** Runs a block's nodes in order for `samples` (indexes into the phase's contexts). */
export interface SeqFrame {
  t: 'seq';
  block: string;
  pc: number;
  /** Next sample of the node at `pc` (per-sample steps run sample by sample). */
  sub: number;
  samples: number[];
}

/** IvoryOS evaluates an `if` per sample and runs that sample's branch before the next sample's. */
export interface IfFrame {
  t: 'if';
  block: string;
  at: number;
  samples: number[];
  next: number;
}

export interface RepeatFrame {
  t: 'repeat';
  block: string;
  at: number;
  samples: number[];
  next: number;
  /** Count for `samples[next]`, evaluated once; `null` before evaluation. */
  times: number | null;
  done: number;
}

/** A while loop runs its body for the samples whose condition held, pass after pass. */
export interface WhileFrame {
  t: 'while';
  block: string;
  at: number;
  active: number[];
  cursor: number;
  passing: number[];
  pass: number;
  limit: number;
}

/** An embedded workflow: its steps read `scope` (the call's args plus their own outputs). */
export interface CallFrame {
  t: 'call';
  block: string;
  at: number;
  samples: number[];
  next: number;
  scope: JsonObject | null;
  /** Keys of the first sample before a batch call, to copy the new ones to the other samples. */
  keysBefore: string[] | null;
}

export type Frame = SeqFrame | IfFrame | RepeatFrame | WhileFrame | CallFrame;

export interface PhaseState {
  key: PhaseKey;
  name: PhaseName;
  repeatIndex: number;
  /** One per sample: parameters, variables and saved outputs. */
  contexts: JsonObject[];
  stack: Frame[];
  /** Row-source runs: the rows the script phase's samples started from, and the source's notes on them. */
  rows?: ParameterRow[];
  rowMeta?: JsonObject[] | null;
}

export type Pending =
  | { kind: 'error'; prompt: WaitingPrompt; maxIterations: boolean }
  /** A row source failed to give the next iteration's rows. */
  | { kind: 'source'; prompt: WaitingPrompt; maxIterations: false }
  | { kind: 'interrupted'; prompt: WaitingPrompt }
  | { kind: 'pause'; prompt: WaitingPrompt }
  | { kind: 'input'; prompt: WaitingPrompt; variable: string; type: string; sample: number };

/** A step whose call had started when the checkpoint was taken. */
export interface InFlight {
  kind: 'action' | 'wait';
  location: StepLocation;
  instrument: string;
  methodName: string;
  args: JsonObject;
  attempt: number;
  /** For waits: when the wait ends (ms since the epoch), so a resumed run waits only the rest. */
  until?: number;
}

export type Stage = 'prep' | 'main' | 'cleanup' | 'done';

export interface RunState {
  stage: Stage;
  /** Main iterations finished. */
  iteration: number;
  phase: PhaseState | null;
  pending: Pending | null;
  inFlight: InFlight | null;
  /** Attempt number of the step at the head of the stack. */
  attempt: number;
  paused: boolean;
  stopAfter: { cleanup: boolean } | null;
  stopNow: boolean;
  /** Set when the error policy `stop` ended the run. */
  failure: string | null;
  /** The current phase must end now (error policy `stop`). */
  abortPhase: boolean;
  /** A stop skipped iterations or cleanup, so the run ends as `stopped`. */
  cutShort: boolean;
  promptCounter: number;
  /**
   * Row-source runs: the rows of the iteration about to open (kept from the moment the source gave them,
   * so a restart runs them rather than asking again), and every finished sample. Both are replaced, never
   * edited in place (snapshots share them).
   */
  nextRows?: ParameterRow[] | null;
  nextMeta?: JsonObject[] | null;
  results?: IterationResult[];
  /** Row-source runs: operators' trials, each run as an iteration of its own before the source is asked again. */
  operatorRows?: ParameterRow[];
  /** The operator chose the source's fallback after a failure (skip). */
  sourceFallback?: boolean;
}

/** How a finished run ended: stop wins, then the error policy's failure, then a stop that cut work short. */
export function finalStatus(state: RunState): 'completed' | 'stopped' | 'failed' {
  if (state.stopNow) return 'stopped';
  if (state.failure) return 'failed';
  return state.cutShort ? 'stopped' : 'completed';
}

/** Deep copy of JSON data; faster than structuredClone for the small objects of a run. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const v = (value as JsonObject)[key];
    // defineProperty keeps a `__proto__` key an own property instead of a prototype switch.
    if (key === '__proto__') Object.defineProperty(out, key, { value: cloneJson(v), writable: true, enumerable: true, configurable: true });
    else out[key] = cloneJson(v);
  }
  return out as T;
}

/**
 * A copy of the state that later steps cannot change. Values inside contexts are never modified in place
 * (variables are replaced, not edited), and pending prompts and in-flight records are replaced whole, so
 * copying the containers that do change (contexts, frames, scopes, sample lists) is enough. This runs
 * twice per step, so it matters for the per-step overhead.
 */
export function snapshotState(state: RunState): RunState {
  const phase = state.phase;
  return {
    ...state,
    phase: phase && {
      ...phase,
      contexts: phase.contexts.map((c) => ({ ...c })),
      stack: phase.stack.map(copyFrame),
    },
  };
}

function copyFrame(frame: Frame): Frame {
  switch (frame.t) {
    case 'while':
      return { ...frame, active: [...frame.active], passing: [...frame.passing] };
    case 'call':
      return { ...frame, samples: [...frame.samples], scope: frame.scope && { ...frame.scope }, keysBefore: frame.keysBefore && [...frame.keysBefore] };
    default:
      return { ...frame, samples: [...frame.samples] };
  }
}
