import { Injectable } from '@nestjs/common';
import { jobNames, type RunJob } from '@ivoryos/contracts';
import { DeckJobQueues } from './deck-job-queues';

/** Hands a run to its deck's agent as a `run.accept` job whose id is the run id. */
@Injectable()
export class RunHandoverProducer {
  constructor(private readonly queues: DeckJobQueues) {}

  async handOver(job: RunJob): Promise<void> {
    await this.queues.add(job.deck, jobNames.runAccept, job, { jobId: job.runId, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } });
  }

  /** Whether Redis still holds the run's hand-over job (a wipe loses it). */
  async isHeld(deck: string, runId: string): Promise<boolean> {
    return Boolean(await this.queues.queue(deck).getJob(runId));
  }
}
