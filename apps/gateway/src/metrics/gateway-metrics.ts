import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Durations of driver calls: from a few ms (a setter) to hours (a long equilibration). */
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400];
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the gateway exports (docs/operations.md lists them). Names follow Prometheus
 * conventions: base units (`_seconds`), `_total` on counters, prefix `ivoryos_`. The cluster-wide
 * gauges are set only on the replica that holds the metrics lock (ClusterMetrics), so a sum over
 * replicas counts each run once; everything else is per process.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];

  // Per process.
  readonly httpDuration = new Histogram({
    name: 'ivoryos_http_request_duration_seconds', help: 'HTTP requests by route template, method and status code',
    labelNames: ['method', 'route', 'status'], buckets: FAST_BUCKETS, registers: this.r,
  });
  readonly ingestionLag = new Histogram({
    name: 'ivoryos_ingestion_lag_seconds', help: 'Run events: from the agent producing one to its commit in PostgreSQL',
    labelNames: ['deck'], buckets: FAST_BUCKETS, registers: this.r,
  });
  readonly ingestionBatch = new Histogram({
    name: 'ivoryos_ingestion_batch_events', help: 'Events of one run committed in one ingestion transaction',
    labelNames: ['deck'], buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500], registers: this.r,
  });
  readonly eventsIngested = new Counter({
    name: 'ivoryos_ingested_events_total', help: 'Run events committed to PostgreSQL by this replica', labelNames: ['deck'], registers: this.r,
  });
  readonly dbPool = new Gauge({
    name: 'ivoryos_db_pool_connections', help: 'PostgreSQL pool of this replica: connections in use, idle, and requests waiting for one',
    labelNames: ['state'], registers: this.r,
  });
  readonly leader = new Gauge({
    name: 'ivoryos_metrics_leader', help: '1 on the replica that exports the cluster-wide series, 0 elsewhere', registers: this.r,
  });

  // Cluster-wide, from PostgreSQL and Redis, on the lock holder only.
  readonly runs = new Gauge({ name: 'ivoryos_runs', help: 'Runs by deck and status (cluster-wide)', labelNames: ['deck', 'status'], registers: this.r });
  readonly queueDepth = new Gauge({ name: 'ivoryos_queue_depth', help: 'Queued runs per deck (cluster-wide)', labelNames: ['deck'], registers: this.r });
  readonly queueOldest = new Gauge({
    name: 'ivoryos_queue_oldest_age_seconds', help: 'Age of the oldest queued run per deck, 0 when none (cluster-wide)', labelNames: ['deck'], registers: this.r,
  });
  readonly deckOnline = new Gauge({ name: 'ivoryos_deck_online', help: '1 when the deck agent sent a heartbeat recently (cluster-wide)', labelNames: ['deck'], registers: this.r });
  readonly deckRunning = new Gauge({
    name: 'ivoryos_deck_active_runs', help: 'Runs holding the deck (running, paused, waiting) per deck (cluster-wide)', labelNames: ['deck'], registers: this.r,
  });
  readonly promptsWaiting = new Gauge({ name: 'ivoryos_prompts_waiting', help: 'Runs waiting for an operator per deck (cluster-wide)', labelNames: ['deck'], registers: this.r });
  readonly promptOldest = new Gauge({
    name: 'ivoryos_prompt_oldest_age_seconds', help: 'Age of the oldest unanswered prompt per deck, 0 when none (cluster-wide)', labelNames: ['deck'], registers: this.r,
  });
  readonly streamPending = new Gauge({
    name: 'ivoryos_event_stream_pending', help: "Entries of a deck's event stream read by a gateway but not yet acknowledged (cluster-wide)",
    labelNames: ['deck'], registers: this.r,
  });
  readonly webhookDeliveries = new Gauge({
    name: 'ivoryos_webhook_deliveries', help: 'Webhook deliveries by outcome: pending, delivered, failed (cluster-wide)', labelNames: ['status'], registers: this.r,
  });
  readonly stepRunning = new Gauge({
    name: 'ivoryos_step_running_seconds', help: 'How long the oldest driver call still running has been running, by deck, instrument and method (cluster-wide)',
    labelNames: ['deck', 'instrument', 'method'], registers: this.r,
  });
  readonly stepDuration = new Histogram({
    name: 'ivoryos_step_duration_seconds', help: 'Driver calls inside runs, start to end, by deck, instrument and method (observed once, on the lock holder)',
    labelNames: ['deck', 'instrument', 'method', 'status'], buckets: STEP_BUCKETS, registers: this.r,
  });
  readonly directCallDuration = new Histogram({
    name: 'ivoryos_direct_call_duration_seconds', help: 'Direct instrument calls, request to result, by deck and outcome (observed once, on the lock holder)',
    labelNames: ['deck', 'outcome'], buckets: STEP_BUCKETS, registers: this.r,
  });
  readonly directCalls = new Counter({
    name: 'ivoryos_direct_calls_total', help: 'Direct instrument calls finished, by deck and outcome (counted once, on the lock holder)',
    labelNames: ['deck', 'outcome'], registers: this.r,
  });

  constructor() {
    // Event-loop lag (ivoryos_nodejs_eventloop_lag_seconds and percentiles), memory, CPU, handles.
    collectDefaultMetrics({ register: this.registry, prefix: 'ivoryos_' });
  }

  /** Gauges only the lock holder may show: cleared when this replica loses (or never had) the lock. */
  clusterGauges(): Gauge[] {
    return [this.runs, this.queueDepth, this.queueOldest, this.deckOnline, this.deckRunning, this.promptsWaiting, this.promptOldest, this.streamPending, this.webhookDeliveries, this.stepRunning];
  }
}
