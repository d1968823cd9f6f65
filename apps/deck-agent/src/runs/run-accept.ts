import { UnrecoverableError } from 'bullmq';
import { CONTRACT_VERSION, type RunAcceptResult } from '@ivoryos/contracts';
import type { Journal } from '../journal';
import type { JobHandler } from '../deck-worker';
import type { Logger } from '../logger';
import { parseRunJob } from './run-job-payload';


export interface RunAcceptDeps {
  deck: string;
  journal: Journal;
  /** Starts the journaled run now or after the current one. */
  enqueue: (runId: string) => 'started' | 'queued';
  logger: Logger;
  now?: () => Date;
}

/**
 * The `run.accept` handler: re-validates the payload, journals the whole job and completes at once.
 * The run executes outside the worker, so direct calls keep flowing (the gateway refuses them during
 * a run unless overridden; they share the hardware lock with the run's steps).
 */
export function createRunAcceptProcessor(deps: RunAcceptDeps): JobHandler {
  const now = deps.now ?? (() => new Date());
  return async (job): Promise<RunAcceptResult> => {
    const parsed = parseRunJob(job.data, { deck: deps.deck, jobId: job.id });
    if (!parsed.ok) {
      deps.logger.warn({ jobId: job.id, errors: parsed.errors }, 'run refused: malformed payload');
      throw new UnrecoverableError(`malformed run.accept payload: ${parsed.errors.join('; ')}`);
    }
    const run = parsed.job;
    const log = deps.logger.child({ runId: run.runId });
    if (deps.journal.runs.knows(run.runId)) {
      log.info('run already accepted: this delivery starts nothing');
      return { schemaVersion: CONTRACT_VERSION, runId: run.runId, accepted: false, state: 'known' };
    }
    deps.journal.appendAccepted(run, now().toISOString());
    const state = deps.enqueue(run.runId);
    log.info({ name: run.name, mode: run.mode, repeat: run.repeat, batchSize: run.batchSize, state, resumeFrom: run.resume?.lastSeq ?? null }, 'run accepted');
    return { schemaVersion: CONTRACT_VERSION, runId: run.runId, accepted: true, state };
  };
}
