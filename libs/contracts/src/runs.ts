import { z } from 'zod';
import { jsonValue, type JsonObject } from './json';

export const RUN_STATUSES = [
  'queued', 'running', 'paused', 'waiting', 'completed', 'failed', 'stopped', 'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'stopped', 'cancelled'];
/** A run in one of these holds its deck (as does a queued run already handed to the deck's agent). */
export const DECK_HOLDING_RUN_STATUSES: readonly RunStatus[] = ['running', 'paused', 'waiting'];

export const STEP_STATUSES = ['running', 'completed', 'failed', 'skipped', 'interrupted'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Recorded phase names: the `script` phase of a workflow is recorded as `main`, as in IvoryOS. */
export const PHASE_NAMES = ['prep', 'main', 'cleanup'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export const RUN_MODES = ['repeat', 'parameters', 'optimizer'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const ERROR_POLICIES = ['wait', 'skip', 'stop'] as const;
export type ErrorPolicy = (typeof ERROR_POLICIES)[number];

/** `optimizer`: an optimizer campaign could not suggest its next trials (retry, skip to the next design point, or stop). */
export const PROMPT_KINDS = ['error', 'pause', 'input', 'interrupted', 'optimizer'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

/** Why a run waits for someone, and how to answer. Loose: a prompt's extra fields reach the operator unchanged. */
export const waitingPromptSchema = z.looseObject({
  promptId: z.string(),
  kind: z.enum(PROMPT_KINDS),
  message: z.string(),
  inputType: z.string().optional(),
  choices: z.array(jsonValue).optional(),
  since: z.string(),
});
export type WaitingPrompt = z.infer<typeof waitingPromptSchema>;

/** A row of a run's parameter table, keyed by parameter name. */
export type ParameterRow = JsonObject;

/** Who caused a write or a hardware call: a user or an API key. */
export interface Actor {
  kind: 'user' | 'key' | 'deck';
  id: string;
  name: string;
}
