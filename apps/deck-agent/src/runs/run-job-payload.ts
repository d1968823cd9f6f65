import { checkMessage, runJobSchema, type RunJob } from '@ivoryos/contracts';
import { checkConfig } from '@ivoryos/optimizer';

export type RunJobCheck = { ok: true; job: RunJob } | { ok: false; errors: string[] };

/**
 * Checks a `run.accept` payload on receipt against the shared contract (the gateway is another process,
 * maybe another version), then what only this agent can check: its deck, the job id, and an optimizer
 * campaign's config by the optimizer's own rules. The workflow's steps and the checkpoint are checked by
 * the interpreter, and a run it refuses is reported as failed, so the gateway frees the deck.
 */
export function parseRunJob(data: unknown, expect: { deck: string; jobId: string | undefined }): RunJobCheck {
  const checked = checkMessage(runJobSchema, data);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const job = checked.value;
  const errors: string[] = [];
  if (job.deck !== expect.deck) errors.push(`deck: '${job.deck}' is not this agent's deck '${expect.deck}'`);
  // The job id is what BullMQ deduplicates on and what the journal is keyed by; they must agree.
  if (expect.jobId !== undefined && job.runId !== expect.jobId) errors.push(`runId: '${job.runId}' differs from the job id '${expect.jobId}'`);
  if (job.mode === 'optimizer' && job.optimizer) {
    for (const issue of checkConfig(job.optimizer.config)) errors.push(`optimizer.config${issue.path ? `.${issue.path}` : ''}: ${issue.message}`);
  }
  if (errors.length) return { ok: false, errors };
  // An optimizer campaign travels with optimizer runs only.
  const { optimizer, ...rest } = job;
  return { ok: true, job: { ...rest, resume: job.resume ?? null, ...(job.mode === 'optimizer' ? { optimizer } : {}) } };
}
