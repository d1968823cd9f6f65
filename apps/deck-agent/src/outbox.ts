import type { Redis } from 'ioredis';
import { CONTRACT_VERSION, EVENT_CONSUMER_GROUP, STREAM_FIELD, streamKeys } from '@ivoryos/contracts';
import type { Journal } from './journal';
import { compareStreamIds } from './journal/records';
import type { RunEntry } from './journal/run-book';
import type { Logger } from './logger';
import { errorText, STREAM_MAXLEN } from './registration';

export interface OutboxOptions {
  /** How often confirmations are read and the stream checked while events are unconfirmed. */
  verifyMs: number;
  /** Events per pipelined XADD round trip. */
  batch: number;
  /** The gateway has read an event but confirmed nothing for this long: send again (doubling up to 5 min). */
  stallMs: number;
}

const DEFAULTS: OutboxOptions = { verifyMs: 3000, batch: 500, stallMs: 15_000 };
const MAX_STALL_MS = 300_000;
const COMPACT_CHECK_MS = 60_000;

/**
 * Sends journaled run events to the deck's events stream, in seq order per run, and keeps them until
 * the gateway confirms its commit (`streamKeys.confirmed`). Never blocks a run: while Redis is away
 * events only accumulate in the journal. After every (re)connect and every few seconds while events
 * are unconfirmed it reads the confirmations and re-sends what the stream lost (a wiped or restarted
 * Redis) or what the gateway read and never confirmed.
 */
export class Outbox {
  private pumping = false;
  private again = false;
  private resync = true;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  /** The newest entry this outbox XADDed: its disappearance means Redis lost data. */
  private lastSentId: string | null = null;
  private readonly stalls = new Map<string, { confirmed: number; since: number; wait: number }>();
  private readonly options: OutboxOptions;
  private readonly onReady = (): void => {
    this.resync = true;
    this.kick();
  };

  constructor(
    private readonly redis: Redis,
    private readonly deck: string,
    private readonly journal: Journal,
    private readonly logger: Logger,
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => {
      if (!this.journal.runs.unconfirmed().length) return;
      this.resync = true;
      this.kick();
    }, this.options.verifyMs);
    // Direct calls alone also grow the journal; the check is a counter comparison.
    this.compactTimer = setInterval(() => void this.compact().catch((err: unknown) => this.logger.warn({ err: errorText(err) }, 'journal not compacted')), COMPACT_CHECK_MS);
    this.kick();
  }

  stop(): void {
    this.redis.off('ready', this.onReady);
    clearInterval(this.timer);
    clearInterval(this.compactTimer);
  }

  /** An event was journaled: send it soon (events of one burst go in one round trip). */
  notify(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.kick();
    });
  }

  /** Events journaled and not yet on the stream. */
  unsent(): number {
    let n = 0;
    for (const run of this.journal.runs.runs.values()) n += run.pending.length - run.sentCount;
    return n;
  }

  /**
   * At start, before the deck loads: sends what the journal holds and Redis does not, for at most `ms`,
   * giving up at once when Redis cannot be reached (the events then go once it can).
   */
  async sendPending(ms: number): Promise<void> {
    let unreachable = false;
    const onError = (): void => {
      unreachable = true;
    };
    this.redis.once('error', onError);
    try {
      const deadline = Date.now() + ms;
      while (this.unsent() > 0 && !unreachable && Date.now() < deadline) {
        this.kick();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      this.redis.off('error', onError);
    }
  }

  /** At shutdown: sends what is unsent for at most `ms`. The rest goes after the next start. */
  async flush(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.unsent() > 0 && Date.now() < deadline) {
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.unsent() === 0;
  }

  private kick(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.again) this.kick();
    });
  }

  private async pump(): Promise<void> {
    for (;;) {
      this.again = false;
      if (this.redis.status !== 'ready') return;
      try {
        if (this.resync) {
          this.resync = false;
          await this.resyncAll();
        }
        if ((await this.sendBatch()) === 0) return;
      } catch (err) {
        // The next `ready` or tick tries again; the events are safe in the journal.
        this.resync = true;
        this.logger.debug({ err: errorText(err) }, 'run events not sent yet');
        return;
      }
    }
  }

  private get key(): string {
    return streamKeys.events(this.deck);
  }

  /** The next batch of unsent events, oldest run first, XADDed in one pipeline; returns how many went. */
  private async sendBatch(): Promise<number> {
    const items: { run: RunEntry; index: number }[] = [];
    for (const run of this.journal.runs.runs.values()) {
      for (let i = run.sentCount; i < run.pending.length && items.length < this.options.batch; i++) items.push({ run, index: i });
      if (items.length >= this.options.batch) break;
    }
    if (!items.length) return 0;
    const pipeline = this.redis.pipeline();
    const events = items.map(({ run, index }) => run.pending[index]);
    for (const e of events) pipeline.xadd(this.key, 'MAXLEN', '~', STREAM_MAXLEN, '*', STREAM_FIELD, `{"kind":"run-event","schemaVersion":${CONTRACT_VERSION},"envelope":${e.json}}`);
    const replies = (await pipeline.exec()) ?? [];
    for (let i = 0; i < items.length; i++) {
      const [err, id] = replies[i] ?? [new Error('no reply'), null];
      if (err || typeof id !== 'string') throw err ?? new Error('XADD returned no id');
      const { run } = items[i];
      events[i].sentId = id;
      this.lastSentId = id;
      // Only a contiguous prefix counts as sent, so a failure part-way re-sends in order.
      if (run.pending[run.sentCount] === events[i]) run.sentCount++;
    }
    return items.length;
  }

  private async resyncAll(): Promise<void> {
    let confirmedMore = false;
    const group = await this.gatewayGroup();
    for (const run of this.journal.runs.unconfirmed()) {
      const raw = await this.redis.hget(streamKeys.confirmed(this.deck), run.runId);
      const confirmed = raw === null ? Number.NaN : Number(raw);
      if (Number.isInteger(confirmed) && this.journal.runs.confirm(run.runId, confirmed)) confirmedMore = true;
      this.checkStall(run, group);
    }
    await this.findLost();
    for (const runId of this.stalls.keys()) if (!this.journal.runs.runs.get(runId)?.pending.length) this.stalls.delete(runId);
    if (confirmedMore) await this.compact();
  }

  /** Compacts the journal when useful; the confirmations of retired runs are then of no use to anyone. */
  async compact(): Promise<void> {
    const retired = this.journal.compactIfUseful();
    if (retired === null) return;
    this.logger.info({ journal: this.journal.file, retired }, 'journal compacted');
    if (retired.length && this.redis.status === 'ready') await this.redis.hdel(streamKeys.confirmed(this.deck), ...retired);
  }

  /**
   * Redis lost entries (restarted empty or from an older snapshot, or the stream was deleted) when the
   * newest entry this outbox wrote is gone: `MAXLEN` trimming removes the oldest entries, never the newest.
   * Then each run sends again from its first lost event; loss takes the newest entries, so a run's sent
   * events are present up to some point and missing after it, and a binary search finds that point.
   * Entries that were only trimmed are not sent again (that would trim again); if a gateway reads the
   * stream and cannot go on for the gap, the stall check sends them.
   */
  private async findLost(): Promise<void> {
    const newest = this.lastSentId;
    if (newest === null || (await this.exists(newest))) return;
    this.lastSentId = null;
    for (const run of this.journal.runs.unconfirmed()) {
      if (run.sentCount === 0) continue;
      const has = (index: number): Promise<boolean> => this.exists(run.pending[index].sentId);
      if (await has(run.sentCount - 1)) continue;
      let lostFrom = 0;
      if (await has(0)) {
        let present = 0;
        let missing = run.sentCount - 1;
        while (missing - present > 1) {
          const mid = (present + missing) >> 1;
          if (await has(mid)) present = mid;
          else missing = mid;
        }
        lostFrom = missing;
      }
      this.logger.info({ runId: run.runId, fromSeq: run.pending[lostFrom].seq, count: run.sentCount - lostFrom }, 'the events stream lost run events: sending them again');
      run.sentCount = lostFrom;
    }
  }

  private async exists(id: string | null): Promise<boolean> {
    return id !== null && (await this.redis.xrange(this.key, id, id)).length > 0;
  }

  /** The gateway read the run's oldest unconfirmed event but confirmed nothing for a while: send all again. */
  private checkStall(run: RunEntry, group: { lastDelivered: string } | null): void {
    const first = run.sentCount > 0 ? run.pending[0].sentId : null;
    if (!group || !first || compareStreamIds(group.lastDelivered, first) < 0) {
      this.stalls.delete(run.runId);
      return;
    }
    const now = Date.now();
    const stall = this.stalls.get(run.runId);
    if (!stall || stall.confirmed !== run.confirmed) {
      this.stalls.set(run.runId, { confirmed: run.confirmed, since: now, wait: this.options.stallMs });
      return;
    }
    if (now - stall.since < stall.wait) return;
    this.logger.warn({ runId: run.runId, confirmed: run.confirmed, waitedMs: now - stall.since }, 'the gateway read run events but confirmed none: sending them again');
    run.sentCount = 0;
    stall.since = now;
    stall.wait = Math.min(stall.wait * 2, MAX_STALL_MS);
  }

  /** The gateway's consumer group on the events stream, or null when there is none (no gateway yet). */
  private async gatewayGroup(): Promise<{ lastDelivered: string } | null> {
    let groups: unknown;
    try {
      groups = await this.redis.xinfo('GROUPS', this.key);
    } catch {
      return null; // no stream yet
    }
    for (const group of Array.isArray(groups) ? groups : []) {
      if (!Array.isArray(group)) continue;
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < group.length; i += 2) fields.set(String(group[i]), group[i + 1]);
      if (fields.get('name') === EVENT_CONSUMER_GROUP) return { lastDelivered: String(fields.get('last-delivered-id') ?? '0-0') };
    }
    return null;
  }
}
