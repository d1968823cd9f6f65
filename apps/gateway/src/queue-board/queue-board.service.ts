import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { EntityManager } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import type { Router } from 'express';
import IORedis, { type Redis } from 'ioredis';
import { BULL_PREFIX, queueNames } from '@ivoryos/contracts';
import { Deck } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

export const QUEUE_BOARD_PATH = '/ops/queues';
/** The deck list is read from PostgreSQL at most this often while someone looks at the board. */
const REFRESH_MS = 5000;

/**
 * bull-board over every deck's BullMQ queue, read-only: queue order lives in PostgreSQL, so
 * retrying, promoting or removing a job in Redis would make the two disagree. The queues get
 * their own Redis connection, apart from the producers', so a slow board cannot delay dispatch.
 */
@Injectable()
export class QueueBoardService implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueBoardService.name);
  private readonly adapter = new ExpressAdapter();
  private readonly board;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private refreshedAt = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly em: EntityManager,
  ) {
    this.adapter.setBasePath(QUEUE_BOARD_PATH);
    this.board = createBullBoard({ queues: [], serverAdapter: this.adapter, options: { uiConfig: { boardTitle: 'IvoryOS queues' } } });
    this.connection = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.connection.on('error', (err: Error) => this.logger.warn(`queue board connection: ${err.message}`));
  }

  router(): Router {
    return this.adapter.getRouter() as Router;
  }

  /** Shows a queue for every registered deck (new decks appear within REFRESH_MS). */
  async refresh(): Promise<void> {
    if (Date.now() - this.refreshedAt < REFRESH_MS) return;
    this.refreshedAt = Date.now();
    const decks = await this.em.fork().find(Deck, {}, { fields: ['name'], orderBy: { name: 'asc' } });
    for (const { name } of decks) {
      if (!this.queues.has(name)) this.queues.set(name, new Queue(queueNames.deck(name), { connection: this.connection, prefix: BULL_PREFIX }));
    }
    this.board.replaceQueues([...this.queues.values()].map((q) => new BullMQAdapter(q, { readOnlyMode: true })));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
