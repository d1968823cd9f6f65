import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DECK_HOLDING_RUN_STATUSES, EVENT_CONSUMER_GROUP, QUEUE_PREFIX, streamKeys } from '@ivoryos/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { REDIS } from '../redis/redis.module';
import { GatewayMetrics } from './gateway-metrics';

/** How often the lock holder refreshes the cluster-wide series. */
export const CLUSTER_METRICS_INTERVAL_MS = 5000;
const LOCK_KEY = `${QUEUE_PREFIX}:metrics:leader`;
/** A holder that stops renewing (killed) loses the lock after this; another replica takes over. */
const LOCK_TTL_MS = 3 * CLUSTER_METRICS_INTERVAL_MS;
/** Finished steps and calls are looked for this far back: ingestion may commit them late. */
const LOOKBACK_MS = 10 * 60_000;

// Renews the lock only while this replica still holds it (compare-and-set).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

interface Row {
  [k: string]: unknown;
}

/**
 * The cluster-wide series, read from PostgreSQL and Redis by one replica at a time (a Redis lock
 * with a TTL), so summing a series over replicas counts each run once. Durations of finished
 * steps and direct calls are observed here too, each row once (remembered by id while it is in
 * the look-back window).
 */
@Injectable()
export class ClusterMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterMetrics.name);
  private readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private since = new Date();
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    this.metrics.leader.set(0);
    this.timer = setInterval(() => void this.tick(), CLUSTER_METRICS_INTERVAL_MS);
    this.timer.unref();
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.leading) await this.redis.eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`, 1, LOCK_KEY, this.id).catch(() => undefined);
  }

  /** One round: take or keep the lock, then refresh (holder) or clear (others). Exposed for tests. */
  async tick(): Promise<void> {
    try {
      const held = this.leading
        ? Number(await this.redis.eval(RENEW, 1, LOCK_KEY, this.id, String(LOCK_TTL_MS))) === 1
        : (await this.redis.set(LOCK_KEY, this.id, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
      if (held && !this.leading) {
        // Observe what finishes from now on; earlier rows were the previous holder's.
        this.since = new Date();
        this.seen.clear();
      }
      this.leading = held;
      this.metrics.leader.set(held ? 1 : 0);
      if (!held) {
        this.metrics.clusterGauges().forEach((g) => g.reset());
        return;
      }
      await this.refresh();
    } catch (err) {
      this.logger.warn(`cluster metrics: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async sql(query: string, params: unknown[] = []): Promise<Row[]> {
    return this.em.getConnection().execute<Row[]>(query, params, 'all');
  }

  private async refresh(): Promise<void> {
    const m = this.metrics;
    const decks = (await this.sql('select name, last_seen_at from deck')).map((d) => ({ name: String(d['name']), lastSeen: d['last_seen_at'] as Date | null }));
    const runs = await this.sql(`select deck, status, count(*)::int as n, extract(epoch from now() - min(created_at))::float8 as oldest from workflow_run group by deck, status`);
    const prompts = await this.sql(
      `select deck, count(*)::int as n, extract(epoch from now() - min((waiting->>'since')::timestamptz))::float8 as oldest
         from workflow_run where status = 'waiting' and waiting is not null group by deck`,
    );
    const webhooks = await this.sql('select status, count(*)::int as n from webhook_delivery group by status');
    const running = await this.sql(
      `select r.deck, s.instrument, s.method_name, extract(epoch from now() - min(s.started_at))::float8 as seconds
         from workflow_step s join workflow_run r on r.id = s.run_id
        where s.status = 'running' and s.started_at is not null group by r.deck, s.instrument, s.method_name`,
    );
    const fresh = Date.now() - this.config.env.IVORYOS_DECK_OFFLINE_AFTER_MS;

    m.clusterGauges().forEach((g) => g.reset());
    for (const d of decks) {
      m.deckOnline.set({ deck: d.name }, d.lastSeen && new Date(d.lastSeen).getTime() >= fresh ? 1 : 0);
      m.queueDepth.set({ deck: d.name }, 0);
      m.queueOldest.set({ deck: d.name }, 0);
      m.promptsWaiting.set({ deck: d.name }, 0);
      m.promptOldest.set({ deck: d.name }, 0);
      m.deckRunning.set({ deck: d.name }, 0);
      const pending = await this.redis.xpending(streamKeys.events(d.name), EVENT_CONSUMER_GROUP).catch(() => [0]);
      m.streamPending.set({ deck: d.name }, Number((pending as unknown[])[0] ?? 0));
    }
    for (const r of runs) {
      const deck = String(r['deck']);
      const status = String(r['status']);
      m.runs.set({ deck, status }, Number(r['n']));
      if (status === 'queued') {
        m.queueDepth.set({ deck }, Number(r['n']));
        m.queueOldest.set({ deck }, Number(r['oldest']));
      }
      if ((DECK_HOLDING_RUN_STATUSES as readonly string[]).includes(status)) m.deckRunning.inc({ deck }, Number(r['n']));
    }
    for (const p of prompts) {
      m.promptsWaiting.set({ deck: String(p['deck']) }, Number(p['n']));
      m.promptOldest.set({ deck: String(p['deck']) }, Number(p['oldest']));
    }
    for (const s of running) {
      m.stepRunning.set({ deck: String(s['deck']), instrument: String(s['instrument']), method: String(s['method_name']) }, Math.max(0, Number(s['seconds'])));
    }
    for (const status of ['pending', 'delivered', 'failed']) m.webhookDeliveries.set({ status }, 0);
    for (const w of webhooks) m.webhookDeliveries.set({ status: String(w['status']) }, Number(w['n']));
    await this.observeFinished();
  }

  /** Steps and direct calls that ended since this replica took the lock, each observed once. */
  private async observeFinished(): Promise<void> {
    const from = new Date(Math.max(this.since.getTime(), Date.now() - LOOKBACK_MS));
    const steps = await this.sql(
      `select s.id, r.deck, s.instrument, s.method_name, s.status, extract(epoch from s.ended_at - s.started_at)::float8 as seconds
         from workflow_step s join workflow_run r on r.id = s.run_id
        where s.ended_at >= ? and s.started_at is not null`,
      [from],
    );
    for (const s of steps) {
      if (!this.firstSight(`s:${String(s['id'])}`)) continue;
      this.metrics.stepDuration.observe(
        { deck: String(s['deck']), instrument: String(s['instrument']), method: String(s['method_name']), status: String(s['status']) },
        Math.max(0, Number(s['seconds'])),
      );
    }
    const calls = await this.sql(
      `select id, deck, status, extract(epoch from ended_at - created_at)::float8 as seconds from single_step where ended_at >= ?`,
      [from],
    );
    for (const c of calls) {
      if (!this.firstSight(`c:${String(c['id'])}`)) continue;
      const labels = { deck: String(c['deck']), outcome: String(c['status']) };
      this.metrics.directCallDuration.observe(labels, Math.max(0, Number(c['seconds'])));
      this.metrics.directCalls.inc(labels);
    }
    const forget = Date.now() - LOOKBACK_MS;
    for (const [key, at] of this.seen) if (at < forget) this.seen.delete(key);
  }

  private firstSight(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, Date.now());
    return true;
  }
}
