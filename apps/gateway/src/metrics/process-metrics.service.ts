import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { RunUpdates } from '../runs/ingest/run-updates';
import { GatewayMetrics } from './gateway-metrics';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * This replica's own series: ingestion (from the in-process commit notices, so the ingestion code
 * knows nothing of metrics) and the PostgreSQL pool (read when scraped).
 */
@Injectable()
export class ProcessMetrics implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly updates: RunUpdates,
    private readonly em: EntityManager,
  ) {}

  onModuleInit(): void {
    this.subscription = this.updates.committed.subscribe((u) => {
      const now = Date.now();
      for (const e of u.events) this.metrics.ingestionLag.observe({ deck: u.deck }, Math.max(0, (now - Date.parse(e.at)) / 1000));
      this.metrics.ingestionBatch.observe({ deck: u.deck }, u.events.length);
      this.metrics.eventsIngested.inc({ deck: u.deck }, u.events.length);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Reads the knex (tarn) pool's counters just before a scrape. */
  samplePool(): void {
    const pool = (this.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
    if (!pool) return;
    this.metrics.dbPool.set({ state: 'used' }, pool.numUsed());
    this.metrics.dbPool.set({ state: 'idle' }, pool.numFree());
    this.metrics.dbPool.set({ state: 'waiting' }, pool.numPendingAcquires());
  }
}
