import { checkMessage, directCallJobSchema, type DeckSchema, type DirectCallJob } from '@ivoryos/contracts';
import { findAction, mapArguments } from './invoke';

export type PayloadCheck = { ok: true; job: DirectCallJob } | { ok: false; errors: string[] };

/**
 * Checks a `direct.call` payload on receipt against the shared contract: the producer is another
 * process (and another version, after a rolling update), so its shape is not trusted.
 */
export function parseDirectCallJob(data: unknown, expect: { deck: string; jobId: string | undefined }): PayloadCheck {
  const checked = checkMessage(directCallJobSchema, data);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const job = checked.value;
  const errors: string[] = [];
  if (job.deck !== expect.deck) errors.push(`deck: '${job.deck}' is not this agent's deck '${expect.deck}'`);
  // The job id is what BullMQ deduplicates on and what the journal is keyed by; they must agree.
  if (expect.jobId !== undefined && job.callId !== expect.jobId) errors.push(`callId: '${job.callId}' differs from the job id '${expect.jobId}'`);
  return errors.length ? { ok: false, errors } : { ok: true, job };
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
