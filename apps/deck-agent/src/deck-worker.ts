import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULL_PREFIX, queueNames, type JobName } from '@ivoryos/contracts';
import type { Logger } from './logger';

export type JobHandler = (job: Pick<Job, 'id' | 'name' | 'data'>) => Promise<unknown>;

/**
 * One worker on the deck's queue for both job kinds. Concurrency 1, so direct calls run
 * first-in-first-out; a `run.accept` job only journals the run and completes, the run itself
 * executes outside the worker. A stalled job (the agent died or hung past its lock) is failed,
 * never handed out again.
 */
export function startDeckWorker(connection: Redis, deck: string, handlers: Record<JobName, JobHandler>, logger: Logger): Worker {
  const route = (job: Job): Promise<unknown> => {
    const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name as JobName] : undefined;
    if (!handler) throw new UnrecoverableError(`this agent does not handle '${job.name}' jobs`);
    return handler(job);
  };
  const worker = new Worker(queueNames.deck(deck), route, { connection, prefix: BULL_PREFIX, concurrency: 1, maxStalledCount: 0 });
  // During a Redis outage the worker repeats the same connection error on every retry: say it once a minute.
  const lastLogged = new Map<string, number>();
  worker.on('error', (err) => {
    const now = Date.now();
    const quiet = now - (lastLogged.get(err.message) ?? -Infinity) < 60_000;
    if (!quiet) lastLogged.set(err.message, now);
    logger[quiet ? 'debug' : 'warn']({ err: err.message }, 'worker error');
  });
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, jobName: job?.name, err: err.message }, 'job failed'));
  worker.on('stalled', (jobId) => logger.warn({ jobId }, 'job stalled (its agent stopped during it); BullMQ fails it, it is not run again'));
  return worker;
}
