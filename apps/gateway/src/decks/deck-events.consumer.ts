import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import IORedis, { type Redis } from 'ioredis';
import { hostname } from 'node:os';
import { DECK_NAME_PATTERN, DECK_SET_KEY, EVENT_CONSUMER_GROUP, STREAM_FIELD, streamKeys, type AgentMessage } from '@ivoryos/contracts';
import { Deck } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { DeckCredentialsService } from '../deck-credentials/deck-credentials.service';
import { AgentMessageRouter, parseAgentMessage } from './agent-messages';
import { RetrySchedule } from './retry-schedule';

type StreamEntry = [id: string, fields: string[]];
type StreamRead = [key: string, entries: StreamEntry[]][];
type RunEventEntry = { id: string; message: Extract<AgentMessage, { kind: 'run-event' }> };

const BLOCK_MS = 500;
/** Entries per read; a read's consecutive run events are applied in one transaction, so fewer, larger batches ingest faster. */
const BATCH = 1000;
/** An entry unacknowledged this long belongs to a consumer that died; another one takes it. */
const CLAIM_IDLE_MS = 30_000;
/** After this many failed deliveries an entry is logged and dropped, so one bad entry cannot stall a deck. */
const MAX_DELIVERIES = 20;
/** How many of its own pending entries claimAbandoned looks through for the delivery counts of those it claimed. */
const CLAIM_LOOKUP = 10_000;
/** Refusals are logged at most this often per deck: an agent without a token sends a heartbeat every few seconds. */
const REFUSAL_LOG_MS = 60_000;

/**
 * Reads every deck's event stream with one consumer group shared by all gateway replicas, so
 * each message is handled once; acknowledges only after the handler (and its commit) succeeded.
 */
@Injectable()
export class DeckEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeckEventsConsumer.name);
  private readonly consumer = `${hostname()}-${process.pid}`;
  private readonly groups = new Set<string>();
  private conn?: Redis;
  private running = false;
  private loop?: Promise<void>;
  private lastClaim = 0;
  private knownDecks: string[] = [];
  private lastDeckRefresh = 0;
  private readonly deckByKey = new Map<string, string>();
  private readonly refusalLogged = new Map<string, number>();
  private readonly retries = new RetrySchedule();
  /** Handler failures so far; tells retryFailed whether its round failed again. */
  private failures = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly router: AgentMessageRouter,
    private readonly em: EntityManager,
    private readonly credentials: DeckCredentialsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.env.IVORYOS_INGEST) {
      this.logger.log('event ingestion is off in this process (IVORYOS_INGEST=false)');
      return;
    }
    // A dedicated connection: XREADGROUP BLOCK holds it while waiting.
    this.conn = new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
    this.conn.on('error', (err: Error) => this.logger.warn(`event stream connection: ${err.message}`));
    this.running = true;
    this.loop = this.run();
  }

  private get redis(): Redis {
    if (!this.conn) throw new Error('event stream connection is not open');
    return this.conn;
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.conn?.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const keys = (await this.deckNames()).map((d) => {
          const key = streamKeys.events(d);
          this.deckByKey.set(key, d);
          return key;
        });
        if (!keys.length) {
          await sleep(BLOCK_MS);
          continue;
        }
        for (const key of keys) await this.ensureGroup(key);
        if (Date.now() - this.lastClaim > CLAIM_IDLE_MS / 3) await this.claimAbandoned(keys);
        for (const key of this.retries.dueKeys()) await this.retryFailed(key);
        const read = (await this.redis.xreadgroup(
          'GROUP', EVENT_CONSUMER_GROUP, this.consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...keys.map(() => '>'),
        )) as StreamRead | null;
        for (const [key, entries] of read ?? []) await this.handleEntries(key, entries);
      } catch (err) {
        if (!this.running) return;
        const message = err instanceof Error ? err.message : String(err);
        // A wiped Redis (FLUSHALL, restart without data) loses the groups: create them again.
        if (message.includes('NOGROUP')) this.groups.clear();
        else this.logger.warn(`event stream: ${message}`);
        await sleep(250);
      }
    }
  }

  private async handleEntries(key: string, entries: StreamEntry[]): Promise<void> {
    if (!entries.length) return;
    // A deck's stream speaks for that deck only: its Redis user can write nowhere else.
    const deck = this.deckByKey.get(key) ?? key;
    const accepted = await this.attempt(key, entries[0][0], async () => ((await this.credentials.accepts(deck)) ? 1 : 0));
    if (accepted === undefined) return;
    if (!accepted) {
      this.logRefusal(deck, `deck ${deck} has no token and tokens are required: ${entries.length} message(s) ignored; an admin issues one with POST /api/decks/${deck}/token`);
      await this.redis.xack(key, EVENT_CONSUMER_GROUP, ...entries.map(([id]) => id));
      return;
    }
    let i = 0;
    while (i < entries.length) {
      const message = parseAgentMessage(fieldValue(entries[i][1], STREAM_FIELD));
      if (message?.kind === 'run-event') {
        // Consecutive run events go to the ingestor together.
        const batch: RunEventEntry[] = [];
        while (i < entries.length) {
          const m = parseAgentMessage(fieldValue(entries[i][1], STREAM_FIELD));
          if (m?.kind !== 'run-event') break;
          batch.push({ id: entries[i][0], message: m });
          i++;
        }
        const done = await this.applyRunEvents(key, deck, batch);
        if (done === undefined) return;
        if (done < batch.length) {
          // A gap in a run's seq. The missing events may sit unacknowledged before this batch (read by a
          // replica that died or is still committing them, or left by this one behind an earlier gap):
          // apply those now rather than after CLAIM_IDLE_MS, then try the rest once more. Otherwise the
          // rest stays pending until the missing events arrive (the agent re-sends what Redis lost).
          const rest = batch.slice(done);
          if (!(await this.fillGap(key, deck, rest[0]))) return;
          const again = await this.applyRunEvents(key, deck, rest);
          if (again === undefined || again < rest.length) return;
        }
        continue;
      }
      const [id] = entries[i];
      const handled = await this.attempt(key, id, async () => {
        if (!message) this.logger.warn(`unreadable entry ${id} on ${key}; dropped`);
        else if (message.deck !== deck) this.logRefusal(deck, `entry ${id} on ${key} speaks for deck '${message.deck}'; dropped`);
        else await this.router.dispatch(message);
        return 1;
      });
      if (handled === undefined) return;
      await this.redis.xack(key, EVENT_CONSUMER_GROUP, id);
      i++;
    }
  }

  /** Applies run events in order and acknowledges the leading ones applied; how many, or undefined on failure. */
  private async applyRunEvents(key: string, deck: string, batch: RunEventEntry[]): Promise<number | undefined> {
    const done = await this.attempt(key, batch[0].id, () => this.router.dispatchRunEvents(deck, batch.map((b) => b.message)));
    if (done) await this.redis.xack(key, EVENT_CONSUMER_GROUP, ...batch.slice(0, done).map((b) => b.id));
    return done;
  }

  /**
   * Applies the gapped run's events that are pending in the group before `first` (any consumer's),
   * read with XPENDING and XRANGE, which leave their delivery counts alone. Applying an event another
   * replica is still committing is harmless: ingestion locks the run and skips seqs it already has.
   * True when some were applied.
   */
  private async fillGap(key: string, deck: string, first: RunEventEntry): Promise<boolean> {
    const pending = (await this.redis.xpending(key, EVENT_CONSUMER_GROUP, '-', `(${first.id}`, BATCH)) as [string, string, number, number][];
    if (!pending.length) return false;
    const entries = await this.readEntries(key, pending.map(([id]) => id));
    const runId = first.message.envelope.runId;
    const earlier: RunEventEntry[] = [];
    for (const [id, fields] of entries) {
      const message = parseAgentMessage(fieldValue(fields, STREAM_FIELD));
      if (message?.kind === 'run-event' && message.envelope.runId === runId) earlier.push({ id, message });
    }
    if (!earlier.length) return false;
    const done = await this.applyRunEvents(key, deck, earlier);
    if (done) this.logger.log(`run ${runId}: applied ${done} event(s) pending before a gap in its seq`);
    return Boolean(done);
  }

  /**
   * Runs a handler; a failure leaves the entries pending and schedules retryFailed (claimAbandoned
   * also takes them once idle long enough, from a replica that died).
   */
  private async attempt(key: string, id: string, fn: () => Promise<number>): Promise<number | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn(`entry ${id} on ${key} not handled yet: ${err instanceof Error ? err.message : String(err)}`);
      this.failures++;
      this.retries.failed(key);
      return undefined;
    }
  }

  /**
   * Handles again this consumer's entries that a handler failed on (PostgreSQL was away), so the
   * records catch up within a second or so of it returning rather than after CLAIM_IDLE_MS. Their
   * idle time is reset with XCLAIM JUSTID, which leaves delivery counts alone: otherwise
   * claimAbandoned would claim them every CLAIM_IDLE_MS and, after MAX_DELIVERIES claims (a
   * ten-minute outage), drop them as poisonous.
   */
  private async retryFailed(key: string): Promise<void> {
    const pending = (await this.redis.xpending(key, EVENT_CONSUMER_GROUP, '-', '+', BATCH, this.consumer)) as [string, string, number, number][];
    if (!pending.length) {
      this.retries.succeeded(key);
      return;
    }
    const ids = pending.map(([id]) => id);
    await this.redis.xclaim(key, EVENT_CONSUMER_GROUP, this.consumer, 0, ...ids, 'JUSTID');
    const entries = await this.readEntries(key, ids);
    const failuresBefore = this.failures;
    await this.handleEntries(key, entries);
    if (this.failures === failuresBefore) this.retries.succeeded(key);
    else this.retries.retryFailed(key);
  }

  private logRefusal(deck: string, message: string): void {
    const now = Date.now();
    if (now - (this.refusalLogged.get(deck) ?? -Infinity) < REFUSAL_LOG_MS) return;
    this.refusalLogged.set(deck, now);
    this.logger.warn(message);
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
      )) as [string, string, number, number][];
      const deliveries = new Map(pending.map(([id, , , count]) => [id, count]));
      const poison = entries.filter(([id]) => (deliveries.get(id) ?? 0) > MAX_DELIVERIES);
      for (const [id] of poison) {
        this.logger.error(`entry ${id} on ${key} failed ${MAX_DELIVERIES} times; dropped`);
        await this.redis.xack(key, EVENT_CONSUMER_GROUP, id);
      }
      await this.handleEntries(key, entries.filter((e) => !poison.includes(e)));
    }
  }

  /** The entries with these ids, in the order given (gone ones left out), in one round trip. */
  private async readEntries(key: string, ids: string[]): Promise<StreamEntry[]> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.xrange(key, id, id);
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, entries]) => (err ? [] : (entries as StreamEntry[])));
  }

  private async ensureGroup(key: string): Promise<void> {
    if (this.groups.has(key)) return;
    try {
      // From the start of the stream: messages sent before any gateway ran are not lost.
      await this.redis.xgroup('CREATE', key, EVENT_CONSUMER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
    }
    this.groups.add(key);
  }

  /**
   * Decks that announced themselves in Redis, plus every deck PostgreSQL knows (survives a Redis
   * wipe; only registrations this consumer accepted create those). Any deck's agent may add names
   * to the set, so when tokens are required only announced decks with a token are watched.
   */
  private async deckNames(): Promise<string[]> {
    if (Date.now() - this.lastDeckRefresh > 5000) {
      this.lastDeckRefresh = Date.now();
      try {
        const rows = await this.em.fork().find(Deck, {}, { fields: ['name'] });
        this.knownDecks = rows.map((d) => d.name);
      } catch (err) {
        this.logger.warn(`listing decks: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    let trusted: ReadonlySet<string> | null;
    try {
      trusted = await this.credentials.trustedDecks();
    } catch {
      // PostgreSQL is away (the deck listing above says so): the decks it knew, until it answers.
      trusted = new Set();
    }
    let announced: string[];
    if (trusted) {
      // Asked by name, so a set bloated with bogus names costs nothing.
      const names = [...trusted];
      const member = names.length ? await this.redis.smismember(DECK_SET_KEY, ...names) : [];
      announced = names.filter((_, i) => member[i] === 1);
    } else {
      // Tokens not required: any Redis client can write any deck's keys anyway, so limiting names would protect nothing.
      announced = (await this.redis.smembers(DECK_SET_KEY)).filter((d) => DECK_NAME_PATTERN.test(d));
    }
    return [...new Set([...announced, ...this.knownDecks])].sort();
  }
}

function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
