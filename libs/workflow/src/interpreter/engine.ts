import type { JsonObject, JsonValue, PromptKind, RunEvent, StepLocation, WaitingPrompt } from '@ivoryos/contracts';
import type { WorkflowNode } from '../model';
import type { Program } from './program';
import type { Pending, PhaseState, RunState } from './state';
import type { Clock, StepInvoker } from './types';

/** What frame and step execution need from the interpreter. */
export interface Engine {
  readonly program: Program;
  readonly state: RunState;
  readonly invoker: StepInvoker;
  readonly clock: Clock;
  /** Aborts when the run is stopped now; cuts waits short. */
  readonly signal: AbortSignal;
  /** The phase being run; only called while one is open. */
  phase(): PhaseState;
  /** Returns the sink's promise when it has one (a journal write), so callers can await it. */
  emit(event: RunEvent): Promise<void> | void;
  /** Emits a checkpoint now (before a driver call, so the journal knows the call started). */
  checkpointNow(): Promise<void>;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): Promise<void>;
  /** Variables a step of `sample` reads: the sample's context, or an embedded workflow's scope. */
  vars(sample: number): JsonObject;
  /** Saves a variable for `sample` (and into every enclosing embedded-workflow scope). */
  assign(sample: number, name: string, value: JsonValue): void;
  location(node: WorkflowNode, sample: number): StepLocation;
  /** A step or condition failed: wait for an operator, skip or stop, by the error policy. */
  fail(message: string, options?: { maxIterations?: boolean }): Promise<void>;
  /** Waits for an operator: sets the pending prompt and reports `waiting`. */
  hold(pending: Pending): Promise<void>;
  prompt(kind: PromptKind, message: string, extra?: Pick<WaitingPrompt, 'inputType' | 'choices'>): WaitingPrompt;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}
