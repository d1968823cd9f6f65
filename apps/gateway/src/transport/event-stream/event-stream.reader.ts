import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import IORedis, { type Redis } from 'ioredis';
import { hostname } from 'node:os';
import { DECK_NAME_PATTERN, DECK_SET_KEY, EVENT_CONSUMER_GROUP, streamKeys } from '@ivoryos/contracts';
import { Deck } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { DeckCredentialsService } from '../../deck-credentials/deck-credentials.service';
import { AGENT_MESSAGE_HANDLERS, assertCompleteHandlers, type AgentMessageHandlers } from './agent-message-handlers';
import { EntryDispatcher } from './entry-dispatcher';
import { PendingClaimer } from './pending-claimer';
import { RetrySchedule } from './retry-schedule';
import { forEachConcurrently, readCount, sleep, type StreamRead } from './stream-entries';

const BLOCK_MS = 500;
/** Decks' streams ingested at once; each holds one of the pool's (default 10) PostgreSQL connections while it commits. */
const DECKS_AT_ONCE = 4;

/**
 * Reads every deck's event stream with one consumer group shared by all gateway replicas, so
 * each message is handled once, by the handler injected for its kind (see EntryDispatcher); the
 * PendingClaimer takes what failed or was abandoned, the GapFiller what a seq gap waits for.
 */
@Injectable()
export class EventStreamReader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventStreamReader.name);
  private readonly consumer = `${hostname()}-${process.pid}`;
  private readonly groups = new Set<string>();
  private conn?: Redis;
  private running = false;
  private loop?: Promise<void>;
  private knownDecks: string[] = [];
  private lastDeckRefresh = 0;
  private readonly deckByKey = new Map<string, string>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(AGENT_MESSAGE_HANDLERS) private readonly handlers: AgentMessageHandlers,
    private readonly em: EntityManager,
    private readonly credentials: DeckCredentialsService,
  ) {
    // Checked even where ingestion is off: a build that lacks a handler must not start anywhere.
    assertCompleteHandlers(handlers);
  }

  onApplicationBootstrap(): void {
    if (!this.config.env.IVORYOS_INGEST) {
      this.logger.log('event ingestion is off in this process (IVORYOS_INGEST=false)');
      return;
    }
    // A dedicated connection: XREADGROUP BLOCK holds it while waiting.
    const conn = new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
    conn.on('error', (err: Error) => this.logger.warn(`event stream connection: ${err.message}`));
    this.conn = conn;
    const retries = new RetrySchedule();
    const dispatcher = new EntryDispatcher(conn, this.handlers, this.credentials, retries, this.logger);
    const claimer = new PendingClaimer(conn, this.consumer, dispatcher, retries, (key) => this.deckOf(key), this.logger);
    this.running = true;
    this.loop = this.run(conn, dispatcher, claimer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.conn?.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private deckOf(key: string): string {
    return this.deckByKey.get(key) ?? key;
  }

  private async run(redis: Redis, dispatcher: EntryDispatcher, claimer: PendingClaimer): Promise<void> {
    while (this.running) {
      try {
        const keys = (await this.deckNames(redis)).map((d) => {
          const key = streamKeys.events(d);
          this.deckByKey.set(key, d);
          return key;
        });
        if (!keys.length) {
          await sleep(BLOCK_MS);
          continue;
        }
        for (const key of keys) await this.ensureGroup(redis, key);
        await claimer.claimDue(keys);
        const read = (await redis.xreadgroup(
          'GROUP', EVENT_CONSUMER_GROUP, this.consumer, 'COUNT', readCount(keys.length), 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...keys.map(() => '>'),
        )) as StreamRead | null;
        await forEachConcurrently(read ?? [], DECKS_AT_ONCE, ([key, entries]) => dispatcher.handleEntries(key, this.deckOf(key), entries));
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

  private async ensureGroup(redis: Redis, key: string): Promise<void> {
    if (this.groups.has(key)) return;
    try {
      // From the start of the stream: messages sent before any gateway ran are not lost.
      await redis.xgroup('CREATE', key, EVENT_CONSUMER_GROUP, '0', 'MKSTREAM');
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
  private async deckNames(redis: Redis): Promise<string[]> {
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
      const member = names.length ? await redis.smismember(DECK_SET_KEY, ...names) : [];
      announced = names.filter((_, i) => member[i] === 1);
    } else {
      // Tokens not required: any Redis client can write any deck's keys anyway, so limiting names would protect nothing.
      announced = (await redis.smembers(DECK_SET_KEY)).filter((d) => DECK_NAME_PATTERN.test(d));
    }
    return [...new Set([...announced, ...this.knownDecks])].sort();
  }
}
