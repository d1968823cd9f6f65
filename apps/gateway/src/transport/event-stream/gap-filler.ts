import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EVENT_CONSUMER_GROUP, STREAM_FIELD } from '@ivoryos/contracts';
import { readAgentMessage } from './agent-message-handlers';
import type { RunEventEntry } from './entry-dispatcher';
import { BATCH, fieldValue, readEntries, type PendingEntry } from './stream-entries';

type ApplyRunEvents = (key: string, deck: string, batch: RunEventEntry[]) => Promise<number | undefined>;

/**
 * A gap in a run's seq. The missing events may sit unacknowledged before the batch (read by a
 * replica that died or is still committing them, or left by this one behind an earlier gap):
 * they are applied now rather than after the claimer's idle time.
 */
export class GapFiller {
  constructor(
    private readonly redis: Redis,
    private readonly apply: ApplyRunEvents,
    private readonly logger: Logger,
  ) {}

  /**
   * Applies the gapped run's events that are pending in the group before `first` (any consumer's),
   * read with XPENDING and XRANGE, which leave their delivery counts alone. Applying an event another
   * replica is still committing is harmless: ingestion locks the run and skips seqs it already has.
   * True when some were applied.
   */
  async fill(key: string, deck: string, first: RunEventEntry): Promise<boolean> {
    const pending = (await this.redis.xpending(key, EVENT_CONSUMER_GROUP, '-', `(${first.id}`, BATCH)) as PendingEntry[];
    if (!pending.length) return false;
    const entries = await readEntries(this.redis, key, pending.map(([id]) => id));
    const runId = first.message.envelope.runId;
    const earlier: RunEventEntry[] = [];
    for (const [id, fields] of entries) {
      const read = readAgentMessage(fieldValue(fields, STREAM_FIELD));
      if (read.ok && read.message.kind === 'run-event' && read.message.envelope.runId === runId) earlier.push({ id, message: read.message });
    }
    if (!earlier.length) return false;
    const done = await this.apply(key, deck, earlier);
    if (done) this.logger.log(`run ${runId}: applied ${done} event(s) pending before a gap in its seq`);
    return Boolean(done);
  }
}
