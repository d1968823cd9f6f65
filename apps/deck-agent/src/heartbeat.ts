import type { Redis } from 'ioredis';
import { CONTRACT_VERSION, type AgentInfo, type DeckActivity } from '@ivoryos/contracts';
import type { Logger } from './logger';
import { errorText, publish } from './registration';

/**
 * A `heartbeat` every period with the deck's activity and schema hash. While Redis is away
 * beats are skipped, not queued: a burst of stale beats after a reconnect says nothing.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly deck: string,
    private readonly agent: AgentInfo,
    private readonly schemaHash: string,
    private readonly periodMs: number,
    private readonly activity: () => DeckActivity,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async beat(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    try {
      await publish(this.redis, this.deck, {
        kind: 'heartbeat',
        schemaVersion: CONTRACT_VERSION,
        deck: this.deck,
        agent: this.agent,
        status: this.activity(),
        schemaHash: this.schemaHash,
        at: new Date().toISOString(),
      });
    } catch (err) {
      this.logger.debug({ err: errorText(err) }, 'heartbeat not sent');
    }
  }
}
