import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { BULL_PREFIX, queueNames, type DeckJobData, type DeckJobs, type JobName } from '@ivoryos/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

/** A deck's BullMQ job queue, typed by the contract's job payloads. */
export type DeckJobQueue = Queue<DeckJobData, unknown, JobName>;

type CompletionListener = (deck: string, jobId: string, returnvalue: unknown) => void;

interface Waiter {
  resolve: (returnvalue: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One BullMQ job queue per deck (producer side: run hand-overs and direct calls; not to be confused
 * with a deck's run queue, the order of its queued runs in PostgreSQL) and, once a deck is called,
 * its QueueEvents for waiting on results. Queues share one non-blocking connection that fails fast while Redis is
 * down (503 instead of a hang); each QueueEvents holds a blocking connection of its own.
 */
@Injectable()
export class DeckJobQueues implements OnApplicationShutdown {
  private readonly logger = new Logger(DeckJobQueues.name);
  private readonly queues = new Map<string, DeckJobQueue>();
  private readonly events = new Map<string, Promise<QueueEvents>>();
  private readonly listeners: CompletionListener[] = [];
  /**
   * Jobs whose result an HTTP caller waits for in this process, by deck and job id: a deck's agent can
   * write its own queue's events stream, so only that deck's events may answer its calls.
   */
  private readonly waiters = new Map<string, Waiter>();
  private readonly producer: Redis;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.producer = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 200, 2000) });
    this.producer.on('error', (err: Error) => this.logger.warn(`queue connection: ${err.message}`));
  }

  queue(deck: string): DeckJobQueue {
    let q = this.queues.get(deck);
    if (!q) {
      q = new Queue<DeckJobData, unknown, JobName>(queueNames.deck(deck), { connection: this.producer, prefix: BULL_PREFIX });
      q.on('error', (err: Error) => this.logger.warn(`queue ${deck}: ${err.message}`));
      this.queues.set(deck, q);
    }
    return q;
  }

  /** Adds a job whose payload is the contract's for its name. */
  async add<N extends JobName>(deck: string, name: N, data: DeckJobs[N], opts: JobsOptions): Promise<void> {
    await this.queue(deck).add(name, data, opts);
  }

  /** Results of every job of the deck that nobody in this process waits for (see `waitFor`). */
  onCompleted(listener: CompletionListener): void {
    this.listeners.push(listener);
  }

  /**
   * The result of a job about to be added, from the deck's (ready) QueueEvents: registered before the
   * add, so no event can be missed and no extra Redis round trip is needed to check for one. Such a job's
   * result goes to this waiter only, not to the `onCompleted` listeners, unless the wait timed out.
   * Rejects with the job's failure, or with a "timed out" error after `timeoutMs`.
   */
  waitFor(deck: string, jobId: string, timeoutMs: number): { result: Promise<unknown>; cancel: () => void } {
    let cancel = (): void => undefined;
    const key = waiterKey(deck, jobId);
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`Job wait timed out before finishing, no finish notification arrived after ${timeoutMs}ms (id=${jobId})`));
      }, timeoutMs);
      this.waiters.set(key, { resolve, reject, timer });
      cancel = () => {
        clearTimeout(timer);
        this.waiters.delete(key);
      };
    });
    // The caller awaits it only after the add; a failure arriving before that is not an unhandled rejection.
    result.catch(() => undefined);
    return { result, cancel };
  }

  queueEvents(deck: string): Promise<QueueEvents> {
    let ev = this.events.get(deck);
    if (!ev) {
      ev = (async () => {
        const conn = new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null });
        conn.on('error', () => undefined); // reported through the QueueEvents error listener
        const qe = new QueueEvents(queueNames.deck(deck), { connection: conn, prefix: BULL_PREFIX });
        qe.on('error', (err: Error) => this.logger.warn(`queue events ${deck}: ${err.message}`));
        qe.on('completed', ({ jobId, returnvalue }) => {
          const waiter = this.waiters.get(waiterKey(deck, jobId));
          if (waiter) {
            this.waiters.delete(waiterKey(deck, jobId));
            clearTimeout(waiter.timer);
            waiter.resolve(returnvalue);
            return;
          }
          for (const l of this.listeners) l(deck, jobId, returnvalue);
        });
        qe.on('failed', ({ jobId, failedReason }) => {
          const waiter = this.waiters.get(waiterKey(deck, jobId));
          if (!waiter) return;
          this.waiters.delete(waiterKey(deck, jobId));
          clearTimeout(waiter.timer);
          waiter.reject(new Error(failedReason));
        });
        await qe.waitUntilReady();
        return qe;
      })();
      ev.catch(() => this.events.delete(deck));
      this.events.set(deck, ev);
    }
    return ev;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const [jobId, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`the gateway is shutting down (job ${jobId})`));
    }
    this.waiters.clear();
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([...this.events.values()].map(async (e) => (await e).close()));
    this.producer.disconnect();
  }
}

/** Deck names hold no `:`, so the key is unambiguous. */
function waiterKey(deck: string, jobId: string): string {
  return `${deck}:${jobId}`;
}
