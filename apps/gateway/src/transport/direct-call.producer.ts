import { Injectable } from '@nestjs/common';
import { jobNames, type DirectCallJob } from '@ivoryos/contracts';
import { DeckJobQueues } from './deck-job-queues';

/** Sends direct calls to a deck's agent as `direct.call` jobs (job id = call id) and hands back their answers. */
@Injectable()
export class DirectCallProducer {
  constructor(private readonly queues: DeckJobQueues) {}

  /** Opens the deck's answer listener ahead of its first call (a blocking connection). */
  async listen(deck: string): Promise<void> {
    await this.queues.queueEvents(deck);
  }

  /**
   * Adds the call's job. With `wait`, hands back the agent's raw answer (rejecting with the job's failure
   * or a "timed out" error after `timeoutMs`), listened for before the add so it cannot be missed.
   */
  async send(job: DirectCallJob, wait: boolean, timeoutMs: number): Promise<{ answer: Promise<unknown> } | undefined> {
    await this.queues.queueEvents(job.deck);
    const waiting = wait ? this.queues.waitFor(job.deck, job.callId, timeoutMs) : undefined;
    try {
      await this.queues.add(job.deck, jobNames.directCall, job, {
        jobId: job.callId, attempts: 1, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 86_400 },
      });
    } catch (err) {
      waiting?.cancel();
      throw err;
    }
    return waiting && { answer: waiting.result };
  }

  /** The answer of a call sent earlier, if Redis still holds its job (it may have finished already). */
  async answerOf(deck: string, callId: string, timeoutMs: number): Promise<{ answer: Promise<unknown> } | undefined> {
    const job = await this.queues.queue(deck).getJob(callId);
    if (!job) return undefined;
    return { answer: job.waitUntilFinished(await this.queues.queueEvents(deck), timeoutMs) };
  }

  /** Answers nobody in this process waits for (the HTTP caller timed out, or its gateway died). */
  onUnclaimedAnswer(listener: (deck: string, callId: string, answer: unknown) => void): void {
    this.queues.onCompleted(listener);
  }
}
