import { z } from 'zod';
import { checkMessage, contractVersion, issueLines } from './contract-version';
import { jsonObject, jsonValue } from './json';
import { ERROR_POLICIES, RUN_MODES } from './runs';
import { tracedBy } from './trace';
import { PHASE_KEYS, type WorkflowDocument } from './workflow';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The workflow of a run hand-over: its phase lists are checked here, their steps by the agent's
 * interpreter (a run it refuses is reported failed, so the gateway frees the deck). Kept whole:
 * IvoryOS files carry keys this code does not know.
 */
const handedOverWorkflow = z.custom<WorkflowDocument>(
  (v) => isObject(v) && isObject(v['script_dict']) && PHASE_KEYS.every((k) => Array.isArray((v['script_dict'] as Record<string, unknown>)[k])),
  { message: 'must hold script_dict with prep, script and cleanup lists' },
);

/**
 * An optimizer campaign as the agent receives it: `config` is libs/optimizer's OptimizerConfig (checked
 * again by the agent), trials of earlier runs or CSV files come resolved (the agent has no database).
 */
export const optimizerJobSchema = z.object({
  config: jsonObject,
  /** Trials this run executes, initial design included (seeded trials come on top). */
  budget: z.number().int().min(1),
  seed: z.number().int().refine(Number.isSafeInteger, 'must be a whole number'),
  earlyStop: z.object({ patience: z.number().int().min(1), minImprovement: z.number().min(0) }).nullable(),
  seeded: z.array(z.object({ parameters: jsonObject, outputs: jsonObject })),
});
export type OptimizerJob = z.infer<typeof optimizerJobSchema>;

/**
 * Payload of a `run.accept` job: everything the agent needs to execute a run, since it has no
 * database. The job only hands the run over; the agent executes it outside the BullMQ worker and
 * reports through its event stream.
 */
export const runJobSchema = z
  .object({
    schemaVersion: contractVersion,
    runId: z.string().min(1),
    deck: z.string().min(1),
    name: z.string(),
    /** Immutable snapshot taken at submission (embedded registered workflows included). */
    workflow: handedOverWorkflow,
    mode: z.enum(RUN_MODES),
    repeat: z.number().int().min(0),
    /** Converted rows of the parameter table; null in repeat mode. */
    parameters: z.array(jsonObject).nullable(),
    batchSize: z.number().int().min(1),
    onError: z.enum(ERROR_POLICIES),
    /** Hash of the deck schema the run was validated against. */
    schemaHash: z.string().nullable(),
    submittedBy: z.string(),
    /**
     * Set when the gateway hands over a run that had started before (Redis was wiped, or the agent
     * lost its journal): the last checkpoint and seq PostgreSQL holds. The agent's journal wins
     * when it knows more.
     */
    resume: z.object({ checkpoint: jsonValue, lastSeq: z.number().int().min(0) }).nullish(),
    /** Mode `optimizer`: the campaign the agent runs, choosing each iteration's rows beside its journal. */
    optimizer: optimizerJobSchema.nullish(),
    /** The hand-over's span (W3C), parent of the agent's run span; absent when the gateway does not trace. */
    trace: tracedBy,
  })
  .superRefine((job, ctx) => {
    if (job.mode === 'parameters' && !job.parameters) ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'a parameters run needs its rows' });
    if (job.mode === 'optimizer' && !job.optimizer) ctx.addIssue({ code: 'custom', path: ['optimizer'], message: 'an optimizer run needs its campaign' });
  });
export type RunJob = z.infer<typeof runJobSchema>;

/** What a `run.accept` job returns: whether this delivery handed a new run over. */
export const runAcceptResultSchema = z.object({
  schemaVersion: contractVersion,
  runId: z.string().min(1),
  /** False when the journal already knew the run id: a redelivered or re-created job is never a second run. */
  accepted: z.boolean(),
  /** `started`, `queued` behind the run in progress, or `known` (not accepted again). */
  state: z.enum(['started', 'queued', 'known']),
});
export type RunAcceptResult = z.infer<typeof runAcceptResultSchema>;

/** `trial`: an operator's trial for an optimizer run (`value: { parameters }`), run as the next iteration. */
export const RUN_COMMAND_TYPES = ['pause', 'resume', 'retry', 'skip', 'stop', 'input', 'trial'] as const;
export type RunCommandType = (typeof RUN_COMMAND_TYPES)[number];

export const STOP_WHEN = ['after-iteration', 'now'] as const;
export type StopWhen = (typeof STOP_WHEN)[number];

/**
 * An operator's control, durable as a PostgreSQL row and delivered on the deck's command stream
 * (`streamKeys.commands(deck)`, field STREAM_FIELD). The agent answers each with a `command`
 * run event naming `commandId`; until then the gateway re-sends it after reconnects and wipes.
 */
export const runCommandSchema = z
  .object({
    schemaVersion: contractVersion,
    commandId: z.string().min(1),
    runId: z.string().min(1),
    type: z.enum(RUN_COMMAND_TYPES),
    /** The prompt being answered (retry, skip, resume, input); a stale one is refused. */
    promptId: z.string().nullish(),
    stop: z.object({ when: z.enum(STOP_WHEN), cleanup: z.boolean() }).nullish(),
    /** Converted value for `input`: any JSON (a number, a list, null…), kept as it came; `{ parameters }` for `trial`. */
    value: jsonValue.optional(),
    issuedBy: z.string(),
    issuedAt: z.string(),
  })
  .superRefine((command, ctx) => {
    if (command.type === 'stop' && !command.stop) ctx.addIssue({ code: 'custom', path: ['stop'], message: "must be { when: 'now' | 'after-iteration', cleanup }" });
  });
export type RunCommand = z.infer<typeof runCommandSchema>;

/**
 * A deck-level command on the deck's command stream (beside run commands, which carry a `runId`):
 * `restart-bridge` restarts a Python deck's bridge child. Fire and forget: the agent logs the outcome and
 * ignores one issued before it started (its bridge is new anyway).
 */
export const deckCommandSchema = z.object({
  kind: z.literal('deck'),
  schemaVersion: contractVersion,
  commandId: z.string().min(1),
  type: z.literal('restart-bridge'),
  issuedBy: z.string(),
  issuedAt: z.string(),
});
export type DeckCommand = z.infer<typeof deckCommandSchema>;

/**
 * The gateway's answer to a registration of a contract version it does not speak, on the deck's command
 * stream. Its shape is the one message every version must keep reading: it tells an agent of another
 * version why it is not served. `agent` names the refused process, so a later agent ignores it.
 */
export const registrationRefusedSchema = z.object({
  kind: z.literal('deck'),
  type: z.literal('registration-refused'),
  commandId: z.string(),
  agent: z.object({ pid: z.number(), host: z.string(), startedAt: z.string() }),
  /** Contract versions each side speaks (null: the agent named none). */
  gatewaySpeaks: z.array(z.number()),
  agentSpeaks: z.array(z.number()).nullable(),
  reason: z.string(),
  issuedAt: z.string(),
});
export type RegistrationRefused = z.infer<typeof registrationRefusedSchema>;

/** What a command stream entry holds: a run command, a deck command, or a registration refusal. */
export type CommandStreamEntry =
  | { kind: 'run'; command: RunCommand }
  | { kind: 'deck'; command: DeckCommand }
  | { kind: 'refused'; refusal: RegistrationRefused }
  | { kind: 'unreadable'; errors: string[] };

/** Reads a command stream entry's JSON text. A refusal is read whatever its version: see `registrationRefusedSchema`. */
export function readCommandEntry(text: string | undefined): CommandStreamEntry {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return { kind: 'unreadable', errors: ['payload: not JSON'] };
  }
  if (isObject(value) && value['kind'] === 'deck' && value['type'] === 'registration-refused') {
    const refusal = registrationRefusedSchema.safeParse(value);
    return refusal.success ? { kind: 'refused', refusal: refusal.data } : { kind: 'unreadable', errors: issueLines(refusal.error) };
  }
  if (isObject(value) && value['kind'] === 'deck') {
    const deck = checkMessage(deckCommandSchema, value);
    return deck.ok ? { kind: 'deck', command: deck.value } : { kind: 'unreadable', errors: deck.errors };
  }
  const run = checkMessage(runCommandSchema, value);
  return run.ok ? { kind: 'run', command: run.value } : { kind: 'unreadable', errors: run.errors };
}
