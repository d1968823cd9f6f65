import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import { channelNames } from '@ivoryos/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { RunUpdates } from '../ingest/run-updates';

/** An open live view of one run. */
export interface RunWatcher {
  /** Something changed (or may have): read the ledger above your cursor. */
  wake(): void;
  /** The gateway is shutting down. */
  close(): void;
}

/**
 * Wakes the open live views of a run when any replica commits its events: one Redis subscriber
 * connection per process on `channelNames.runUpdates`, plus this process's own commits. The
 * message says only which run; watchers read PostgreSQL, so a lost message only delays a view
 * (until the watcher's own periodic check).
 */
@Injectable()
export class RunStreamHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunStreamHub.name);
  private readonly watchers = new Map<string, Set<RunWatcher>>();
  private subscriber?: Redis;
  private subscription?: Subscription;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly updates: RunUpdates,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.updates.committed.subscribe((u) => this.wakeRun(u.runId));
    // A connection in subscriber mode can do nothing else, so it is not the shared one.
    const sub = new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
    sub.on('error', (err: Error) => this.logger.warn(`run-updates subscriber: ${err.message}`));
    sub.on('message', (_channel: string, text: string) => this.onMessage(text));
    // After a reconnect, messages sent meanwhile are gone: every view re-reads.
    sub.on('ready', () => this.wakeAll());
    sub.subscribe(channelNames.runUpdates).catch((err: Error) => this.logger.warn(`subscribing to run updates: ${err.message}`));
    this.subscriber = sub;
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.subscriber?.disconnect();
    // Open streams would keep the HTTP server from closing; clients reconnect to another replica.
    for (const set of this.watchers.values()) for (const w of set) w.close();
    this.watchers.clear();
  }

  /** Registers a watcher of a run; returns its removal. */
  watch(runId: string, watcher: RunWatcher): () => void {
    let set = this.watchers.get(runId);
    if (!set) this.watchers.set(runId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (!set.size && this.watchers.get(runId) === set) this.watchers.delete(runId);
    };
  }

  /** Number of open watchers (tests: streams are cleaned up after clients leave). */
  count(runId?: string): number {
    if (runId) return this.watchers.get(runId)?.size ?? 0;
    return [...this.watchers.values()].reduce((n, s) => n + s.size, 0);
  }

  private onMessage(text: string): void {
    let message: { runId?: unknown; origin?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    // This process's own commits already woke its watchers (RunUpdates); the echo would make them read again.
    if (message.origin === this.updates.origin) return;
    if (typeof message.runId === 'string') this.wakeRun(message.runId.toLowerCase());
  }

  private wakeRun(runId: string): void {
    for (const w of this.watchers.get(runId) ?? []) w.wake();
  }

  private wakeAll(): void {
    for (const set of this.watchers.values()) for (const w of set) w.wake();
  }
}
