import type { Redis } from 'ioredis';
import { EVENT_CONSUMER_GROUP } from '@ivoryos/contracts';

export type StreamEntry = [id: string, fields: string[]];
export type StreamRead = [key: string, entries: StreamEntry[]][];
/** XPENDING's extended form: id, consumer, idle ms, delivery count. */
export type PendingEntry = [id: string, consumer: string, idleMs: number, deliveries: number];

/** Entries per read; a read's consecutive run events are applied in one transaction, so fewer, larger batches ingest faster. */
export const BATCH = 1000;
export { EVENT_CONSUMER_GROUP };

/** Entries read in one XREADGROUP across all decks' streams: bounds the gateway's memory when many decks have a backlog. */
const READ_BUDGET = 10_000;

/** COUNT per stream for one read over `streams` streams: BATCH when few decks, less when many (never below 100). */
export function readCount(streams: number): number {
  return Math.max(100, Math.min(BATCH, Math.floor(READ_BUDGET / Math.max(1, streams))));
}

/**
 * Calls `fn` for every item with at most `limit` calls in flight. Different decks' streams are
 * ingested side by side (each deck's entries stay in order within its own call): a commit waits
 * on PostgreSQL, not on the CPU, so one deck at a time left most of both idle.
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The entries with these ids, in the order given (gone ones left out), in one round trip. */
export async function readEntries(redis: Redis, key: string, ids: string[]): Promise<StreamEntry[]> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.xrange(key, id, id);
  const replies = (await pipeline.exec()) ?? [];
  return replies.flatMap(([err, entries]) => (err ? [] : (entries as StreamEntry[])));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
