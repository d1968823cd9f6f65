import { traceContextSchema, type TraceContext, type DeckSchema, type DirectCallJob, type JsonObject } from '@ivoryos/contracts';
import { findAction, mapArguments } from './invoke';

export type PayloadCheck = { ok: true; job: DirectCallJob } | { ok: false; errors: string[] };

/**
 * Re-validates a `direct.call` payload on receipt: the producer is another process (and
 * another version, after a rolling update), so its shape is not trusted.
 */
export function parseDirectCallJob(data: unknown, expect: { deck: string; jobId: string | undefined }): PayloadCheck {
  if (!isPlainObject(data)) return { ok: false, errors: ['payload: must be an object'] };
  const errors: string[] = [];
  const text = (key: keyof DirectCallJob): void => {
    const v = data[key];
    if (typeof v !== 'string' || !v.length) errors.push(`${key}: must be a non-empty string`);
  };
  text('callId');
  text('deck');
  text('instrument');
  text('action');
  text('calledBy');
  if (!isPlainObject(data['kwargs'])) errors.push('kwargs: must be an object');
  if (typeof data['deadline'] !== 'number' || !Number.isFinite(data['deadline'])) errors.push('deadline: must be epoch milliseconds');
  if (typeof data['deck'] === 'string' && data['deck'] !== expect.deck) errors.push(`deck: '${data['deck']}' is not this agent's deck '${expect.deck}'`);
  // The job id is what BullMQ deduplicates on and what the journal is keyed by; they must agree.
  if (typeof data['callId'] === 'string' && expect.jobId !== undefined && data['callId'] !== expect.jobId) {
    errors.push(`callId: '${data['callId']}' differs from the job id '${expect.jobId}'`);
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    job: {
      callId: data['callId'] as string,
      deck: data['deck'] as string,
      instrument: data['instrument'] as string,
      action: data['action'] as string,
      kwargs: data['kwargs'] as JsonObject,
      deadline: data['deadline'] as number,
      calledBy: data['calledBy'] as string,
      // A malformed trace context only loses the trace, never the call.
      ...traced(data['trace']),
    },
  };
}

/** Why the registered schema refuses this call, or undefined when it may run. */
export function refuseBySchema(schema: DeckSchema, job: DirectCallJob): { reason: 'not-in-schema' | 'invalid-arguments'; error: string } | undefined {
  const action = findAction(schema, job.instrument, job.action);
  if (!action) {
    const known = Object.prototype.hasOwnProperty.call(schema.instruments, job.instrument);
    return {
      reason: 'not-in-schema',
      error: known ? `${job.instrument} has no action '${job.action}' in the registered schema` : `no instrument '${job.instrument}' in the registered schema`,
    };
  }
  const mapped = mapArguments(action, job.kwargs);
  return mapped.ok ? undefined : { reason: 'invalid-arguments', error: `${job.instrument}.${job.action}: ${mapped.error}` };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ trace }` when the payload carries a well-formed W3C context, else nothing. */
function traced(value: unknown): { trace?: TraceContext } {
  const parsed = traceContextSchema.safeParse(value);
  return parsed.success ? { trace: parsed.data } : {};
}
