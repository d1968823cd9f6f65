import type { JsonObject, JsonValue } from '@ivoryos/contracts';
import type { Frame, RunState } from './interpreter/state';

/** Bumped whenever the shape of {@link RunCheckpoint} changes; older checkpoints are refused, not guessed at. */
export const CHECKPOINT_VERSION = 1;
const KIND = 'ivoryos-ts/run-checkpoint';

/**
 * Everything needed to continue a run in a fresh interpreter: the position (phase, frame stack, pending
 * prompt, the step in flight), every sample's context, and fingerprints of the workflow and plan it
 * belongs to.
 */
export interface RunCheckpoint {
  kind: typeof KIND;
  version: typeof CHECKPOINT_VERSION;
  /** Fingerprint of the workflow's `script_dict`. */
  workflow: string;
  /** Fingerprint of the run plan (repeat, parameters, batch size). */
  plan: string;
  /** Seq of the first event after this checkpoint. */
  nextSeq: number;
  state: RunState;
}

/** The checkpoint is unreadable, from another version, or from another workflow or plan. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export function createCheckpoint(workflow: string, plan: string, nextSeq: number, state: RunState): RunCheckpoint {
  return { kind: KIND, version: CHECKPOINT_VERSION, workflow, plan, nextSeq, state };
}

/** The checkpoint as versioned JSON text. */
export function serializeCheckpoint(checkpoint: RunCheckpoint): string {
  return JSON.stringify(checkpoint);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isIntList = (v: unknown): boolean => Array.isArray(v) && v.every(isInt);
const FRAME_FIELDS: Record<Frame['t'], string[]> = {
  seq: ['pc', 'sub'], if: ['at', 'next'], repeat: ['at', 'next', 'done'], while: ['at', 'cursor', 'pass', 'limit'], call: ['at', 'next'],
};

function checkFrame(frame: unknown, i: number): void {
  if (!isObject(frame) || typeof frame.t !== 'string' || !Object.hasOwn(FRAME_FIELDS, frame.t) || typeof frame.block !== 'string') {
    throw new CheckpointError(`state.phase.stack[${i}] is not a frame`);
  }
  for (const key of FRAME_FIELDS[frame.t as Frame['t']]) {
    if (!isInt(frame[key])) throw new CheckpointError(`state.phase.stack[${i}].${key} must be a non-negative integer`);
  }
  const lists = frame.t === 'while' ? ['active', 'passing'] : ['samples'];
  for (const key of lists) if (!isIntList(frame[key])) throw new CheckpointError(`state.phase.stack[${i}].${key} must be a list of sample indexes`);
}

function checkState(state: unknown): asserts state is RunState {
  if (!isObject(state)) throw new CheckpointError('state is missing');
  if (!['prep', 'main', 'cleanup', 'done'].includes(String(state.stage))) throw new CheckpointError('state.stage is invalid');
  for (const key of ['iteration', 'attempt', 'promptCounter']) {
    if (!isInt(state[key])) throw new CheckpointError(`state.${key} must be a non-negative integer`);
  }
  const phase = state.phase;
  if (phase !== null) {
    if (!isObject(phase) || !Array.isArray(phase.contexts) || !phase.contexts.every(isObject) || !Array.isArray(phase.stack)) {
      throw new CheckpointError('state.phase is invalid');
    }
    phase.stack.forEach(checkFrame);
    const samples = phase.contexts.length;
    for (const frame of phase.stack as Frame[]) {
      const used = frame.t === 'while' ? [...frame.active, ...frame.passing] : frame.samples;
      if (used.some((s) => s >= samples)) throw new CheckpointError('a frame refers to a sample the phase does not have');
    }
  }
  if (state.pending !== null && !(isObject(state.pending) && isObject(state.pending.prompt))) throw new CheckpointError('state.pending is invalid');
  if (state.inFlight !== null && !(isObject(state.inFlight) && isObject(state.inFlight.location))) throw new CheckpointError('state.inFlight is invalid');
}

/** Reads a checkpoint from JSON text or a parsed value, checking its kind, version and shape. */
export function readCheckpoint(input: JsonValue | string): RunCheckpoint {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new CheckpointError('checkpoint is not valid JSON');
    }
  }
  if (!isObject(value) || value.kind !== KIND) throw new CheckpointError('not a run checkpoint');
  if (value.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`checkpoint version ${String(value.version)} is not supported (expected ${CHECKPOINT_VERSION})`);
  }
  if (typeof value.workflow !== 'string' || typeof value.plan !== 'string' || !isInt(value.nextSeq)) {
    throw new CheckpointError('checkpoint fingerprints or nextSeq are missing');
  }
  checkState(value.state);
  return value as unknown as RunCheckpoint;
}

/** The checkpoint as a JSON value, for the `checkpoint` event. */
export function checkpointToJson(checkpoint: RunCheckpoint): JsonObject {
  return checkpoint as unknown as JsonObject;
}
