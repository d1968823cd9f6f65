import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { DeckAcl } from './deck-acl.service';
import { DeckCredentialsService } from './deck-credentials.service';

/** Also re-applied on this period, for a Redis that restarted while this connection looked fine. */
const PERIOD_MS = 30_000;

/**
 * PostgreSQL is the truth for deck credentials; Redis ACL users are derived from it. They are
 * re-applied at start, whenever the gateway's Redis connection becomes ready (a restarted Redis
 * comes back without them unless it has an ACL file) and periodically. Users of decks without a
 * row are left alone: revoking deletes them while Redis answers, or fails and changes nothing.
 */
@Injectable()
export class DeckAclReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeckAclReconciler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private checkedDefaultUser = false;
  private readonly onReady = (): void => void this.reconcile();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly acl: DeckAcl,
    private readonly credentials: DeckCredentialsService,
  ) {}

  onApplicationBootstrap(): void {
    this.redis.on('ready', this.onReady);
    if (this.redis.status === 'ready') void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), PERIOD_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.redis.off('ready', this.onReady);
    clearInterval(this.timer);
  }

  /** Applies every deck's ACL user; returns how many. Never throws (logged); one run at a time. */
  reconcile(): Promise<number> {
    this.running ??= this.applyAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async applyAll(): Promise<number> {
    try {
      if (this.redis.status !== 'ready') return 0;
      await this.warnOnOpenDefaultUser();
      const rows = await this.credentials.all();
      for (const row of rows) await this.acl.apply(row.deck, row.tokenHash);
      return rows.length;
    } catch (err) {
      this.logger.warn(`deck ACL users not applied: ${err instanceof Error ? err.message : String(err)}`);
      return 0;
    }
  }

  // Deck users confine agents that use them; a default user without password lets anyone past.
  private async warnOnOpenDefaultUser(): Promise<void> {
    if (this.checkedDefaultUser || !this.credentials.required) return;
    this.checkedDefaultUser = true;
    const info = (await this.redis.call('ACL', 'GETUSER', 'default').catch(() => null)) as unknown[] | null;
    const flags = info ? info[info.indexOf('flags') + 1] : undefined;
    if (Array.isArray(flags) && flags.includes('on') && flags.includes('nopass')) {
      this.logger.warn(
        "Redis's default user needs no password: anything that reaches Redis can write any deck's keys, deck tokens or not. " +
          'Give the gateway its own Redis user in REDIS_URL and turn the default user off (or set requirepass).',
      );
    }
  }
}
