import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { CONTRACT_VERSION, DECK_SET_KEY, STREAM_FIELD, streamKeys, type AgentInfo, type AgentMessage, type DeckSchema } from '@ivoryos/contracts';
import type { Logger } from './logger';
import { AGENT_VERSION } from './version';

/** Registrations are repeated this often, so a gateway that lost them (a Redis wipe) recovers. */
export const REGISTER_INTERVAL_MS = 60_000;
/**
 * Approximate cap on a deck's event stream (`XADD MAXLEN ~`), so an absent gateway cannot fill Redis.
 * Every XADD trims the whole stream, heartbeats included, so all messages use the same cap; it is
 * large enough for long runs' events to wait for a gateway (the journal keeps them regardless).
 */
export const STREAM_MAXLEN = 100_000;

export function agentInfo(startedAt: Date): AgentInfo {
  return { pid: process.pid, host: hostname(), version: AGENT_VERSION, startedAt: startedAt.toISOString() };
}

/** XADD one agent message to the deck's events stream; resolves to the entry id. */
export async function publish(redis: Redis, deck: string, message: AgentMessage): Promise<string> {
  const id = await redis.xadd(streamKeys.events(deck), 'MAXLEN', '~', STREAM_MAXLEN, '*', STREAM_FIELD, JSON.stringify(message));
  if (id === null) throw new Error('XADD returned no id');
  return id;
}

/**
 * Announces the deck and its schema: at start, after every reconnect (`ready`, which also
 * covers a Redis that restarted empty) and every minute.
 */
export class Registration {
  private timer: NodeJS.Timeout | undefined;
  private readonly onReady = (): void => void this.register();

  constructor(
    private readonly redis: Redis,
    private readonly schema: DeckSchema,
    private readonly agent: AgentInfo,
    private readonly logger: Logger,
    /** The contract version the registration names: this build's, unless a test claims another. */
    private readonly contractVersion: number = CONTRACT_VERSION,
  ) {}

  start(): void {
    this.redis.on('ready', this.onReady);
    if (this.redis.status === 'ready') void this.register();
    this.timer = setInterval(() => void this.register(), REGISTER_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.redis.off('ready', this.onReady);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Never throws: an unreachable Redis is retried by the next `ready` or tick. */
  async register(): Promise<boolean> {
    const deck = this.schema.deck;
    try {
      await this.redis.sadd(DECK_SET_KEY, deck);
      const message: AgentMessage = { kind: 'register', schemaVersion: CONTRACT_VERSION, deck, schema: this.schema, agent: this.agent, at: new Date().toISOString() };
      const id = await publish(this.redis, deck, this.contractVersion === CONTRACT_VERSION ? message : { ...message, schemaVersion: this.contractVersion as typeof CONTRACT_VERSION });
      this.logger.info({ entry: id, schemaHash: this.schema.hash, contractVersion: this.contractVersion }, 'registered');
      return true;
    } catch (err) {
      this.logger.warn({ err: errorText(err) }, 'registration not sent; will retry');
      return false;
    }
  }

  async offline(): Promise<boolean> {
    const deck = this.schema.deck;
    try {
      await publish(this.redis, deck, { kind: 'offline', schemaVersion: CONTRACT_VERSION, deck, agent: this.agent, at: new Date().toISOString() });
      this.logger.info('offline message sent');
      return true;
    } catch (err) {
      this.logger.warn({ err: errorText(err) }, 'offline message not sent');
      return false;
    }
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
