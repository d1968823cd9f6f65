import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { DeckAclSync } from './deck-acl-sync';
import { DeckAcl } from './deck-acl.service';
import { DeckCredentialsService } from './deck-credentials.service';

/** Also re-applied on this period, for a Redis that restarted while this connection looked fine. */
const PERIOD_MS = 30_000;

/**
 * PostgreSQL is the truth for deck credentials; Redis ACL users are derived from it. They are
 * re-applied at start, whenever the gateway's Redis connection becomes ready (a restarted Redis
 * comes back without them unless it has an ACL file) and periodically. Each deck is written from
 * its row as read under the deck's lock (DeckAclSync), not from the list read at the start of the
 * pass: a token revoked or replaced meanwhile must not come back. Deck users without a row go.
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
    private readonly sync: DeckAclSync,
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

  /** Syncs every deck with a row or a Redis user; returns how many. Never throws (logged); one run at a time. */
  reconcile(): Promise<number> {
    this.running ??= this.applyAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async applyAll(): Promise<number> {
    try {
      if (this.redis.status !== 'ready') return 0;
      await this.warnOnOpenDefaultUser();
      const rows = await this.credentials.all();
      const decks = new Set([...rows.map((r) => r.deck), ...(await this.acl.decksWithUsers())]);
      for (const deck of decks) await this.sync.sync(deck);
      return decks.size;
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
