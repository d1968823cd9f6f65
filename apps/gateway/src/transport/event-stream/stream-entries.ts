import type { Redis } from 'ioredis';
import { EVENT_CONSUMER_GROUP } from '@ivoryos/contracts';

export type StreamEntry = [id: string, fields: string[]];
export type StreamRead = [key: string, entries: StreamEntry[]][];
/** XPENDING's extended form: id, consumer, idle ms, delivery count. */
export type PendingEntry = [id: string, consumer: string, idleMs: number, deliveries: number];

/** Entries per read; a read's consecutive run events are applied in one transaction, so fewer, larger batches ingest faster. */
export const BATCH = 1000;
export { EVENT_CONSUMER_GROUP };

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
