import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { streamKeys } from '@ivoryos/contracts';
import { REDIS } from '../redis/redis.module';

/** Tells a deck's agent how far PostgreSQL holds a run's events, so it can trim its journal outbox. */
@Injectable()
export class RunConfirmations {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async confirm(deck: string, runId: string, lastSeq: number): Promise<void> {
    await this.redis.hset(streamKeys.confirmed(deck), runId, String(lastSeq));
  }
}
