import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JsonObject } from '@ivoryos/contracts';
import type { Invoker } from './invoke';
import type { Logger } from './logger';

/** Driver calls last from a few ms (a setter) to hours (a long equilibration); as the gateway's. */
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400];

interface InFlight {
  instrument: string;
  method: string;
  since: number;
}

/**
 * What this agent sees first-hand (`--metrics-port`, off by default): its driver calls as they
 * happen, including the one running now, before any of it reaches the gateway. Names carry
 * `ivoryos_agent_` so they never add up with the gateway's series of the same meaning.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];
  private inFlight: InFlight | null = null;

  readonly stepDuration: Histogram;
  readonly directCallDuration: Histogram;
  readonly directCalls: Counter;
  readonly runsEnded: Counter;

  constructor(
    readonly deck: string,
    sources: { outboxUnsent: () => number; activeRuns: () => number },
  ) {
    this.registry.setDefaultLabels({ deck });
    this.stepDuration = new Histogram({
      name: 'ivoryos_agent_step_duration_seconds', help: 'Driver calls of run steps, start to end, by instrument, method and status (completed, failed)',
      labelNames: ['instrument', 'method', 'status'], buckets: STEP_BUCKETS, registers: this.r,
    });
    this.directCallDuration = new Histogram({
      name: 'ivoryos_agent_direct_call_duration_seconds', help: 'Driver calls of direct calls, start to end, by outcome (completed, failed)',
      labelNames: ['outcome'], buckets: STEP_BUCKETS, registers: this.r,
    });
    this.directCalls = new Counter({ name: 'ivoryos_agent_direct_calls_total', help: 'Direct calls whose driver call ended, by outcome', labelNames: ['outcome'], registers: this.r });
    this.runsEnded = new Counter({ name: 'ivoryos_agent_runs_total', help: 'Runs this agent executed to their end, by final status', labelNames: ['status'], registers: this.r });
    const current = () => this.inFlight;
    new Gauge({
      name: 'ivoryos_agent_step_running_seconds', help: 'How long the driver call in progress has been running (no series when none), by instrument and method',
      labelNames: ['instrument', 'method'], registers: this.r,
      collect() {
        this.reset();
        const call = current();
        if (call) this.set({ instrument: call.instrument, method: call.method }, (performance.now() - call.since) / 1000);
      },
    });
    new Gauge({
      name: 'ivoryos_agent_active_runs', help: 'Runs executing on this agent (0 or 1)', registers: this.r,
      collect() {
        this.set(sources.activeRuns());
      },
    });
    new Gauge({
      name: 'ivoryos_agent_outbox_unsent_events', help: 'Run events journaled here and not yet on the event stream (Redis away, or a backlog)', registers: this.r,
      collect() {
        this.set(sources.outboxUnsent());
      },
    });
    // Event-loop lag (ivoryos_agent_nodejs_eventloop_lag_seconds), memory, CPU of the agent process.
    collectDefaultMetrics({ register: this.registry, prefix: 'ivoryos_agent_' });
  }

  /** The invoker, timing each driver call as a run step or a direct call. One call at a time holds the hardware lock. */
  metered(invoker: Invoker, kind: 'run' | 'direct'): Invoker {
    return {
      invoke: async (instrument: string, action: string, kwargs: JsonObject) => {
        const call: InFlight = { instrument, method: action, since: performance.now() };
        this.inFlight = call;
        let ok = false;
        try {
          const out = await invoker.invoke(instrument, action, kwargs);
          ok = true;
          return out;
        } finally {
          if (this.inFlight === call) this.inFlight = null;
          const seconds = (performance.now() - call.since) / 1000;
          const status = ok ? 'completed' : 'failed';
          if (kind === 'run') this.stepDuration.observe({ instrument, method: action, status }, seconds);
          else {
            this.directCallDuration.observe({ outcome: status }, seconds);
            this.directCalls.inc({ outcome: status });
          }
        }
      },
    };
  }
}

/**
 * The agent's only HTTP listener: `GET /metrics` in Prometheus text. Bound to 127.0.0.1 unless
 * told otherwise (a scraper elsewhere needs `--metrics-host 0.0.0.0` or a sidecar).
 */
export function serveMetrics(metrics: AgentMetrics, port: number, host: string, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      logger.info({ url: `http://${host}:${port}/metrics` }, 'metrics listening');
      resolve(server);
    });
  });
}
