import { z } from 'zod';
import { jsonObject, jsonValue } from './json';
import { tracedBy } from './trace';
import { PHASE_NAMES, RUN_STATUSES, STEP_STATUSES, waitingPromptSchema } from './runs';

const count = z.number().int().min(0);

/** Position of one step execution inside a run. `stepIndex` is the action's `id` in its phase. */
const stepLocation = {
  phase: z.enum(PHASE_NAMES),
  /** 1-based, as IvoryOS records it: 1 for prep and cleanup, the iteration (or batch) for main. */
  repeatIndex: z.number().int(),
  stepIndex: z.number().int(),
  /** 0-based sample within a batch; 0 without batches. */
  sample: count,
  /**
   * IvoryOS's highlight id: `<phase key>-<id - 1>` (`script-2`), steps of an embedded workflow append their
   * own (`script-2-0`). Tells apart steps that share a `stepIndex` across nesting levels.
   */
  section: z.string().optional(),
};
export const stepLocationSchema = z.object(stepLocation);
export type StepLocation = z.infer<typeof stepLocationSchema>;

const stepCall = { instrument: z.string(), methodName: z.string(), args: jsonObject, attempt: z.number().int() };

/** What the agent reports about a run, in seq order. */
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.status'), status: z.enum(RUN_STATUSES), waiting: waitingPromptSchema.nullish(), error: z.string().nullish() }),
  z.object({
    type: z.literal('phase.started'), phase: z.enum(PHASE_NAMES), repeatIndex: z.number().int(), parameters: z.array(jsonObject).nullable(),
    /** Optimizer runs: per row, what the optimizer said about it (suggestedBy, acquisition, fitMs, note). */
    meta: z.array(jsonObject).nullish(),
  }),
  z.object({ type: z.literal('phase.finished'), phase: z.enum(PHASE_NAMES), repeatIndex: z.number().int(), outputs: z.array(jsonObject) }),
  z.object({ type: z.literal('step.started'), ...stepCall, ...stepLocation }),
  z.object({
    type: z.literal('step.finished'), ...stepCall, ...stepLocation,
    status: z.enum(STEP_STATUSES),
    /** The call's return value (sanitised to JSON). */
    output: jsonValue,
    /** The sample's variables after the step. */
    context: jsonObject,
    error: z.string().nullish(),
  }),
  z.object({ type: z.literal('progress'), iteration: count, total: count, step: count, steps: count }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('checkpoint'), checkpoint: jsonValue }),
  /** The agent's answer to an operator command (RunCommand), applied or refused with the reason. */
  z.object({ type: z.literal('command'), commandId: z.string(), command: z.string(), outcome: z.enum(['applied', 'refused']), reason: z.string().nullish() }),
]);
export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventType = RunEvent['type'];

/** What travels on a deck's event stream: one run event, numbered per run by the agent. */
export const eventEnvelopeSchema = z.object({
  runId: z.string().min(1),
  deck: z.string().min(1),
  /** Strictly increasing per run, assigned and journaled by the agent before sending. */
  seq: count,
  /** ISO time the agent produced the event. */
  at: z.string(),
  event: runEventSchema,
  /** The agent's span this event belongs to (the driver call for step events, else the phase or run), W3C; absent when the agent does not trace. */
  trace: tracedBy,
});
export type EventEnvelope<E extends RunEvent = RunEvent> = Omit<z.infer<typeof eventEnvelopeSchema>, 'event'> & { event: E };
