import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { BULL_PREFIX, queueNames } from '@ivoryos/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

type CompletionListener = (deck: string, jobId: string, returnvalue: unknown) => void;

/**
 * One BullMQ queue per deck (producer side) and, once a deck is called, its QueueEvents for
 * waiting on results. Queues share one non-blocking connection that fails fast while Redis is
 * down (503 instead of a hang); each QueueEvents holds a blocking connection of its own.
 */
@Injectable()
export class DeckQueues implements OnApplicationShutdown {
  private readonly logger = new Logger(DeckQueues.name);
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, Promise<QueueEvents>>();
  private readonly listeners: CompletionListener[] = [];
  private readonly producer: Redis;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.producer = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 200, 2000) });
    this.producer.on('error', (err: Error) => this.logger.warn(`queue connection: ${err.message}`));
  }

  queue(deck: string): Queue {
    let q = this.queues.get(deck);
    if (!q) {
      q = new Queue(queueNames.deck(deck), { connection: this.producer, prefix: BULL_PREFIX });
      q.on('error', (err: Error) => this.logger.warn(`queue ${deck}: ${err.message}`));
      this.queues.set(deck, q);
    }
    return q;
  }

  /** Results of every job of the deck, also those whose HTTP caller has given up. */
  onCompleted(listener: CompletionListener): void {
    this.listeners.push(listener);
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
          for (const l of this.listeners) l(deck, jobId, returnvalue);
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
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([...this.events.values()].map(async (e) => (await e).close()));
    this.producer.disconnect();
  }
}
