import { networkInterfaces } from 'node:os';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import request from 'supertest';
import type { WorkflowAction } from '@ivoryos/contracts';
import { freePort, TestAuth } from '@ivoryos/testing';
import { initTracing, shutdownTracing } from '@ivoryos/telemetry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { REDIS } from '../redis/redis.module';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../testing/otlp-collector';
import { ClusterMetrics } from './cluster-metrics.service';
import { GatewayMetrics } from './gateway-metrics';

const SCRAPE = 'scrape-token-0123456789';
const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}): WorkflowAction =>
  ({ id, uuid: 1000 + id, instrument, action, args, return: '' }) as WorkflowAction;

/** `name{a="x",b="y"} 3` lines → value by `name{labels}` exactly as printed (labels in prom-client's order). */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const names = (m: Map<string, number>) => new Set([...m.keys()].map((k) => k.split('{')[0]));
/** The value of `name` whose labels are exactly `labels`, whatever order they are printed in. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const [key, value] of parse(text)) {
    const [n, rest] = key.split('{');
    if (n === name && (rest ?? '').replace(/\}$/, '').split(',').filter(Boolean).sort().join(',') === want) return value;
  }
  return undefined;
}
/** Spans are exported in batches every 50 ms here (OTEL_BSP_SCHEDULE_DELAY). */
const TRACE_ENV = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50' };

/**
 * GET /metrics on the real gateway after a real run on a real agent: the series and their values,
 * the scrape rules, and one exporter of the cluster-wide series at a time.
 */
describe('Prometheus metrics (GET /metrics)', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let api: ReturnType<typeof request.agent>;
  let metrics: Map<string, number>;
  let collector: OtlpCollector;
  let gatewaySpans: InstanceType<typeof import('@opentelemetry/sdk-node').tracing.InMemorySpanExporter>;
  /** Spans of both processes: the agent's from the collector, the gateway's from memory. */
  const allSpans = (): CollectedSpan[] => [
    ...collector.spans,
    ...gatewaySpans.getFinishedSpans().map((s) => ({
      service: String(s.resource.attributes['service.name']), name: s.name, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId,
      parentSpanId: s.parentSpanContext?.spanId ?? '', attributes: { ...s.attributes },
    })),
  ];
  let agentMetricsPort: number;
  let runId: string;
  const scrape = (headers: Record<string, string> = {}) => fetch(`${gw.url}/metrics`, { headers });
  const scrapeAgent = async () => (await fetch(`http://127.0.0.1:${agentMetricsPort}/metrics`)).text();

  beforeAll(async () => {
    // The agent exports its spans over OTLP to a collector here; the gateway (this process, where jest's
    // sandbox keeps the OTLP exporter from loading its transport) keeps its spans in memory. Both are read together.
    collector = await startOtlpCollector();
    Object.assign(process.env, TRACE_ENV, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const { tracing } = await import('@opentelemetry/sdk-node');
    gatewaySpans = new tracing.InMemorySpanExporter();
    expect(initTracing('ivoryos-gateway', { spanProcessors: [new tracing.SimpleSpanProcessor(gatewaySpans)] })).toBe(true);
    gw = await startTestGateway({ IVORYOS_METRICS_TOKEN: SCRAPE });
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    agentMetricsPort = await freePort();
    agent = startTestAgent({
      redisUrl: gw.config.redisUrl,
      env: { ...TRACE_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, IVORYOS_METRICS_PORT: String(agentMetricsPort) },
    });
    await waitOnline(gw.url, gw.adminToken, agent);
    await api.post('/api/workflows').send({
      name: 'metrics_wf', deck: agent.deck,
      script_dict: { prep: [], script: [act(1, 'deck.bench', 'noop', { x: 1 }), act(2, 'deck.bench', 'noop', { x: 2 }), act(3, 'deck.sdl', 'measure')], cleanup: [] },
    }).expect(201);
    const { body: run } = await api.post('/api/runs').send({ workflow: 'metrics_wf', repeat: 3 }).expect(201);
    runId = run.id;
    await waitFor(async () => ((await api.get(`/api/runs/${run.id}`)).body.status === 'completed' ? true : undefined), 60_000, 'the run to complete');
    await api.post(`/api/decks/${agent.deck}/instruments/deck.bench/noop`).send({ x: 5 }).expect(200);
    await gw.app.get(ClusterMetrics).tick();
    const res = await scrape({ authorization: `Bearer ${SCRAPE}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    metrics = parse(await res.text());
  }, 120_000);
  afterAll(async () => {
    await agent?.kill();
    await gw?.close();
    await shutdownTracing();
    await collector?.close();
    for (const name of [...Object.keys(TRACE_ENV), 'OTEL_EXPORTER_OTLP_ENDPOINT']) delete process.env[name];
  });

  it('counts the run by deck and status, an empty queue and the deck online (cluster-wide series)', () => {
    const d = agent.deck;
    expect(metrics.get(`ivoryos_runs{deck="${d}",status="completed"}`)).toBe(1);
    expect(metrics.get(`ivoryos_queue_depth{deck="${d}"}`)).toBe(0);
    expect(metrics.get(`ivoryos_queue_oldest_age_seconds{deck="${d}"}`)).toBe(0);
    expect(metrics.get(`ivoryos_deck_online{deck="${d}"}`)).toBe(1);
    expect(metrics.get(`ivoryos_deck_active_runs{deck="${d}"}`)).toBe(0);
    expect(metrics.get(`ivoryos_prompts_waiting{deck="${d}"}`)).toBe(0);
    // Heartbeats arrive every 200 ms: one may be read and not yet acknowledged at this instant.
    expect(metrics.get(`ivoryos_event_stream_pending{deck="${d}"}`)).toBeLessThanOrEqual(2);
    expect(metrics.get('ivoryos_webhook_deliveries{status="failed"}')).toBe(0);
    expect(metrics.get('ivoryos_metrics_leader')).toBe(1);
    // Nothing runs any more: no driver call is reported as running.
    expect([...metrics.keys()].filter((k) => k.startsWith('ivoryos_step_running_seconds{'))).toEqual([]);
  });

  it('observes every driver step of the run once, by deck, instrument and method, and the direct call', () => {
    const d = agent.deck;
    expect(metrics.get(`ivoryos_step_duration_seconds_count{deck="${d}",instrument="deck.bench",method="noop",status="completed"}`)).toBe(6);
    expect(metrics.get(`ivoryos_step_duration_seconds_count{deck="${d}",instrument="deck.sdl",method="measure",status="completed"}`)).toBe(3);
    expect(metrics.get(`ivoryos_step_duration_seconds_bucket{le="+Inf",deck="${d}",instrument="deck.sdl",method="measure",status="completed"}`)).toBe(3);
    expect(metrics.get(`ivoryos_direct_calls_total{deck="${d}",outcome="completed"}`)).toBe(1);
    expect(metrics.get(`ivoryos_direct_call_duration_seconds_count{deck="${d}",outcome="completed"}`)).toBe(1);
  });

  it('measures ingestion (lag per event, events per batch) and HTTP by route template', () => {
    const d = agent.deck;
    const ingested = metrics.get(`ivoryos_ingested_events_total{deck="${d}"}`) ?? 0;
    expect(ingested).toBeGreaterThanOrEqual(9 * 2);
    expect(metrics.get(`ivoryos_ingestion_lag_seconds_count{deck="${d}"}`)).toBe(ingested);
    expect(metrics.get(`ivoryos_ingestion_batch_events_sum{deck="${d}"}`)).toBe(ingested);
    expect(metrics.get('ivoryos_http_request_duration_seconds_count{method="POST",route="/api/runs",status="201"}')).toBe(1);
    expect(metrics.get('ivoryos_http_request_duration_seconds_count{method="GET",route="/api/runs/:id",status="200"}')).toBeGreaterThanOrEqual(1);
  });

  it('exports event-loop lag and PostgreSQL pool use, every name prefixed ivoryos_', () => {
    const all = names(metrics);
    expect(all.has('ivoryos_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(all.has('ivoryos_process_resident_memory_bytes')).toBe(true);
    expect(metrics.get('ivoryos_db_pool_connections{state="used"}')).toBeGreaterThanOrEqual(0);
    expect(metrics.has('ivoryos_db_pool_connections{state="waiting"}')).toBe(true);
    expect([...all].filter((n) => !n.startsWith('ivoryos_'))).toEqual([]);
  });

  it('accepts the scrape token, admins, and direct loopback without credentials outside production; refuses others', async () => {
    const auth = new TestAuth({ baseUrl: gw.url, em: gw.app.get(EntityManager) });
    const viewer = await auth.session('viewer');
    expect((await scrape({ authorization: `Bearer ${gw.adminToken}` })).status).toBe(200);
    expect((await scrape()).status).toBe(200);
    // A forwarded header claims nothing: the socket is what counts.
    expect((await scrape({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
    const wrong = await scrape({ authorization: 'Bearer not-the-token-0123456' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    expect((await scrape(viewer.headers)).status).toBe(403);
  });

  it('leaves the cluster-wide series to the replica holding the lock', async () => {
    const other = new GatewayMetrics();
    const replica = new ClusterMetrics(other, gw.app.get(EntityManager), gw.app.get<Redis>(REDIS), gw.app.get<GatewayConfig>(GATEWAY_CONFIG));
    await replica.tick();
    const text = await other.registry.metrics();
    expect(parse(text).get('ivoryos_metrics_leader')).toBe(0);
    expect(text).not.toMatch(/^ivoryos_runs\{/m);
    expect(text).not.toMatch(/^ivoryos_queue_depth\{/m);
    await gw.app.get(ClusterMetrics).tick();
    expect(parse(await gw.app.get(GatewayMetrics).registry.metrics()).get('ivoryos_metrics_leader')).toBe(1);
  });

  it("the agent's own metrics on --metrics-port: its driver calls, runs and direct calls, bound to 127.0.0.1 only", async () => {
    const text = await scrapeAgent();
    const d = { deck: agent.deck };
    expect(sample(text, 'ivoryos_agent_step_duration_seconds_count', { ...d, instrument: 'deck.bench', method: 'noop', status: 'completed' })).toBe(6);
    expect(sample(text, 'ivoryos_agent_step_duration_seconds_count', { ...d, instrument: 'deck.sdl', method: 'measure', status: 'completed' })).toBe(3);
    expect(sample(text, 'ivoryos_agent_direct_calls_total', { ...d, outcome: 'completed' })).toBe(1);
    expect(sample(text, 'ivoryos_agent_direct_call_duration_seconds_count', { ...d, outcome: 'completed' })).toBe(1);
    expect(sample(text, 'ivoryos_agent_runs_total', { ...d, status: 'completed' })).toBe(1);
    expect(sample(text, 'ivoryos_agent_active_runs', d)).toBe(0);
    expect(sample(text, 'ivoryos_agent_outbox_unsent_events', d)).toBe(0);
    expect(sample(text, 'ivoryos_agent_nodejs_eventloop_lag_seconds', d)).toBeGreaterThanOrEqual(0);
    expect(text).not.toMatch(/^ivoryos_agent_step_running_seconds\{/m);
    expect((await fetch(`http://127.0.0.1:${agentMetricsPort}/other`)).status).toBe(404);
    // Not reachable on this machine's other addresses.
    const lan = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (lan) await expect(fetch(`http://${lan.address}:${agentMetricsPort}/metrics`)).rejects.toThrow();
  });

  it('shows a driver call running 5x longer than its usual duration, on the gateway and on the agent', async () => {
    await api.post('/api/workflows').send({
      name: 'slow_wf', deck: agent.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'equilibrate', { temp: 20, duration: 0.05 }), act(2, 'deck.sdl', 'equilibrate', { temp: 20, duration: 3 })], cleanup: [] },
    }).expect(201);
    const { body: run } = await api.post('/api/runs').send({ workflow: 'slow_wf' }).expect(201);
    const labels = { deck: agent.deck, instrument: 'deck.sdl', method: 'equilibrate' };
    const cluster = gw.app.get(ClusterMetrics);
    // The usual duration comes from the first (short) call; the alert rule compares the running one with it.
    const seen = await waitFor(async () => {
      await cluster.tick();
      const text = await gw.app.get(GatewayMetrics).registry.metrics();
      const count = sample(text, 'ivoryos_step_duration_seconds_count', { ...labels, status: 'completed' });
      const usual = count ? (sample(text, 'ivoryos_step_duration_seconds_sum', { ...labels, status: 'completed' }) ?? 0) / count : undefined;
      const running = sample(text, 'ivoryos_step_running_seconds', labels);
      return usual !== undefined && running !== undefined && running > 5 * usual ? { usual, running } : undefined;
    }, 20_000, 'the long call to show as running 5x its usual duration');
    expect(seen.running).toBeGreaterThan(5 * seen.usual);
    const onAgent = sample(await scrapeAgent(), 'ivoryos_agent_step_running_seconds', { deck: agent.deck, instrument: 'deck.sdl', method: 'equilibrate' });
    expect(onAgent).toBeGreaterThan(5 * seen.usual);
    await waitFor(async () => ((await api.get(`/api/runs/${run.id}`)).body.status === 'completed' ? true : undefined), 30_000, 'the slow run to complete');
    await cluster.tick();
    expect(await gw.app.get(GatewayMetrics).registry.metrics()).not.toMatch(/^ivoryos_step_running_seconds\{/m);
  }, 60_000);

  it('traces a run and a direct call across both processes: HTTP → dispatch → agent → driver call → ingestion', async () => {
    let spans: CollectedSpan[] = [];
    const parentOf = (s: CollectedSpan) => spans.find((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId);
    const chain = (s: CollectedSpan | undefined): string[] => (s ? [...chain(parentOf(s)), `${s.service}: ${s.name}`] : []);
    const runIngest = () => spans.find((s) => s.name === 'ingest run events' && s.attributes['ivoryos.run'] === runId
      && parentOf(s)?.name === 'driver call deck.sdl.measure');
    const callRecord = () => spans.find((s) => s.name === 'record direct call');
    await waitFor(() => ((spans = allSpans()), runIngest() && callRecord() ? true : undefined), 15_000, 'the spans of both processes').catch((err: Error) => {
      throw new Error(`${err.message}; spans collected:\n${spans.map((s) => `${s.service}: ${s.name} ${s.traceId}/${s.spanId} <- ${s.parentSpanId}`).join('\n')}`);
    });

    const run = chain(runIngest());
    expect(run).toEqual([
      'ivoryos-gateway: HTTP POST /api/runs',
      'ivoryos-gateway: dispatch run',
      'ivoryos-agent: run metrics_wf',
      expect.stringMatching(/^ivoryos-agent: phase main [123]$/),
      'ivoryos-agent: driver call deck.sdl.measure',
      'ivoryos-gateway: ingest run events',
    ]);
    // One trace for the whole run: every span of the agent's run is in it.
    const runSpan = spans.find((s) => s.name === 'run metrics_wf') as CollectedSpan;
    const runTrace = spans.filter((s) => s.traceId === runSpan.traceId);
    expect(runTrace.filter((s) => s.name === 'driver call deck.bench.noop')).toHaveLength(6);
    expect(runTrace.filter((s) => /^phase /.test(s.name)).map((s) => s.name).sort()).toEqual(['phase cleanup', 'phase main 1', 'phase main 2', 'phase main 3', 'phase prep']);

    expect(chain(callRecord())).toEqual([
      'ivoryos-gateway: HTTP POST /api/decks/:deck/instruments/:instrument/:method',
      'ivoryos-gateway: dispatch direct call',
      'ivoryos-agent: direct call deck.bench.noop',
      'ivoryos-gateway: record direct call',
    ]);
    const agentCall = spans.find((s) => s.name === 'direct call deck.bench.noop') as CollectedSpan;
    expect(spans.filter((s) => s.name === 'driver call deck.bench.noop' && s.parentSpanId === agentCall.spanId)).toHaveLength(1);
  }, 30_000);
});
