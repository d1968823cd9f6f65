import type { Redis } from 'ioredis';
import { STREAM_FIELD, streamKeys } from '@ivoryos/contracts';
import type { Journal } from '../journal';
import { compareStreamIds } from '../journal/records';
import type { Logger } from '../logger';
import { errorText } from '../registration';

/** XREAD BLOCK timeout: also how soon a reconnect's cursor check happens. */
const BLOCK_MS = 2000;

/**
 * Reads the deck's command stream from the journaled position, one entry at a time into `handle`
 * (which journals the new position). On its own connection, as XREAD BLOCK holds one.
 */
export class CommandReader {
  private stopped = false;
  private checkCursor = true;
  private loop: Promise<void> | undefined;
  private readonly onReady = (): void => {
    this.checkCursor = true;
  };

  constructor(
    private readonly redis: Redis,
    private readonly deck: string,
    private readonly journal: Journal,
    private readonly handle: (streamId: string, text: string | undefined) => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.redis.on('ready', this.onReady);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.redis.off('ready', this.onReady);
    this.redis.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    const key = streamKeys.commands(this.deck);
    while (!this.stopped) {
      try {
        if (this.checkCursor) {
          await this.restartIfWiped(key);
          this.checkCursor = false;
        }
        const read = await this.redis.xread('COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', key, this.journal.runs.cursor);
        if (this.stopped) return;
        for (const [, entries] of read ?? []) {
          for (const [id, fields] of entries) this.handle(id, fields[fields.indexOf(STREAM_FIELD) + 1]);
        }
      } catch (err) {
        if (this.stopped) return;
        this.checkCursor = true;
        this.logger.debug({ err: errorText(err) }, 'command stream not readable yet');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /**
   * A stream whose newest entry is older than the journaled position (or that is gone) was wiped:
   * read it from the start. Commands are deduplicated by id, so reading one again is harmless.
   */
  private async restartIfWiped(key: string): Promise<void> {
    const cursor = this.journal.runs.cursor;
    if (cursor === '0') return;
    const newest = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1);
    const newestId = newest[0]?.[0];
    if (newestId !== undefined && compareStreamIds(newestId, cursor) >= 0) return;
    this.logger.info({ journaled: cursor, newest: newestId ?? null }, 'the command stream is behind the journaled position (Redis was wiped?): reading it from the start');
    this.journal.appendCursor('0', new Date().toISOString());
  }
}
