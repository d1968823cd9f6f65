import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EVENT_CONSUMER_GROUP } from '@ivoryos/contracts';
import type { EntryDispatcher } from './entry-dispatcher';
import type { RetrySchedule } from './retry-schedule';
import { BATCH, readEntries, type PendingEntry, type StreamEntry } from './stream-entries';

/** An entry unacknowledged this long belongs to a consumer that died; another one takes it. */
export const CLAIM_IDLE_MS = 30_000;
/** After this many failed deliveries an entry is logged and dropped, so one bad entry cannot stall a deck. */
const MAX_DELIVERIES = 20;
/** How many of its own pending entries claimAbandoned looks through for the delivery counts of those it claimed. */
const CLAIM_LOOKUP = 10_000;

/**
 * Takes entries that are pending in the consumer group again: this consumer's own that a handler
 * failed on, and any consumer's left idle by a replica that died.
 */
export class PendingClaimer {
  private lastClaim = 0;

  constructor(
    private readonly redis: Redis,
    private readonly consumer: string,
    private readonly dispatcher: EntryDispatcher,
    private readonly retries: RetrySchedule,
    private readonly deckOf: (key: string) => string,
    private readonly logger: Logger,
  ) {}

  /** Both kinds of pending entries that are due on these streams. */
  async claimDue(keys: string[]): Promise<void> {
    if (Date.now() - this.lastClaim > CLAIM_IDLE_MS / 3) await this.claimAbandoned(keys);
    for (const key of this.retries.dueKeys()) await this.retryFailed(key);
  }

  /**
   * Handles again this consumer's entries that a handler failed on (PostgreSQL was away), so the
   * records catch up within a second or so of it returning rather than after CLAIM_IDLE_MS. Their
   * idle time is reset with XCLAIM JUSTID, which leaves delivery counts alone: otherwise
   * claimAbandoned would claim them every CLAIM_IDLE_MS and, after MAX_DELIVERIES claims (a
   * ten-minute outage), drop them as poisonous.
   */
  private async retryFailed(key: string): Promise<void> {
    const pending = (await this.redis.xpending(key, EVENT_CONSUMER_GROUP, '-', '+', BATCH, this.consumer)) as PendingEntry[];
    if (!pending.length) {
      this.retries.succeeded(key);
      return;
    }
    const ids = pending.map(([id]) => id);
    await this.redis.xclaim(key, EVENT_CONSUMER_GROUP, this.consumer, 0, ...ids, 'JUSTID');
    const entries = await readEntries(this.redis, key, ids);
    const failuresBefore = this.dispatcher.failures;
    await this.dispatcher.handleEntries(key, this.deckOf(key), entries);
    if (this.dispatcher.failures === failuresBefore) this.retries.succeeded(key);
    else this.retries.retryFailed(key);
  }

  private async claimAbandoned(keys: string[]): Promise<void> {
    this.lastClaim = Date.now();
    for (const key of keys) {
      const res = (await this.redis.xautoclaim(key, EVENT_CONSUMER_GROUP, this.consumer, CLAIM_IDLE_MS, '0-0', 'COUNT', BATCH)) as [string, StreamEntry[]];
      const entries = res[1].filter((e) => e && e[1]);
      if (!entries.length) continue;
      // Delivery counts of the entries just claimed (now this consumer's), not of the group's oldest pending ones.
      const pending = (await this.redis.xpending(
        key, EVENT_CONSUMER_GROUP, entries[0][0], entries[entries.length - 1][0], CLAIM_LOOKUP, this.consumer,
      )) as PendingEntry[];
      const deliveries = new Map(pending.map(([id, , , count]) => [id, count]));
      const poison = entries.filter(([id]) => (deliveries.get(id) ?? 0) > MAX_DELIVERIES);
      for (const [id] of poison) {
        this.logger.error(`entry ${id} on ${key} failed ${MAX_DELIVERIES} times; dropped`);
        await this.redis.xack(key, EVENT_CONSUMER_GROUP, id);
      }
      await this.dispatcher.handleEntries(key, this.deckOf(key), entries.filter((e) => !poison.includes(e)));
    }
  }
}
