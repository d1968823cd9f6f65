import { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import request from 'supertest';
import type { WorkflowAction } from '@ivoryos/contracts';
import { TestAuth } from '@ivoryos/testing';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { REDIS } from '../redis/redis.module';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
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

/**
 * GET /metrics on the real gateway after a real run on a real agent: the series and their values,
 * the scrape rules, and one exporter of the cluster-wide series at a time.
 */
describe('Prometheus metrics (GET /metrics)', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let api: ReturnType<typeof request.agent>;
  let metrics: Map<string, number>;
  const scrape = (headers: Record<string, string> = {}) => fetch(`${gw.url}/metrics`, { headers });

  beforeAll(async () => {
    gw = await startTestGateway({ IVORYOS_METRICS_TOKEN: SCRAPE });
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    agent = startTestAgent({ redisUrl: gw.config.redisUrl });
    await waitOnline(gw.url, gw.adminToken, agent);
    await api.post('/api/workflows').send({
      name: 'metrics_wf', deck: agent.deck,
      script_dict: { prep: [], script: [act(1, 'deck.bench', 'noop', { x: 1 }), act(2, 'deck.bench', 'noop', { x: 2 }), act(3, 'deck.sdl', 'measure')], cleanup: [] },
    }).expect(201);
    const { body: run } = await api.post('/api/runs').send({ workflow: 'metrics_wf', repeat: 3 }).expect(201);
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
});
