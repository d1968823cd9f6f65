/* Chaos 6: PostgreSQL becomes unreachable for a while in the middle of a run (a TCP proxy between the
   gateway and PostgreSQL stops accepting and drops every connection). Meanwhile writes answer 503 (not
   500, not a hang), readiness answers 503, liveness 200, and the agent keeps working; event ingestion
   retries. Once the proxy is back, the run's records catch up and nothing is lost or doubled. */
import { checkLongRun, longRunRows, saveLongWorkflow } from './lib/long-run';
import { Scenario, sleep, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';
import { TcpProxy } from './lib/stack';
import type { Answer } from './lib/api';

/** How long an answer may take while the database is away: "bounded by a few seconds". */
const BOUND_MS = 5000;

void new Scenario('PostgreSQL unreachable during a run', 300_000).run(async (s) => {
  let proxy: TcpProxy | undefined;
  const { api, agent, deck, dbUrl } = await startStack(s, {
    name: 'pgdown',
    gatewayDbUrl: async (url) => {
      const real = new URL(url);
      proxy = await TcpProxy.start(s, { host: real.hostname, port: Number(real.port || 5432) });
      real.hostname = '127.0.0.1';
      real.port = String(proxy.port);
      return real.toString();
    },
  });
  if (!proxy) throw new Error('no proxy');
  await saveLongWorkflow(api, deck, 'chaos_pg_outage');
  const runId = await api.submit({ workflow: 'chaos_pg_outage', parameters: longRunRows() });
  await waitFor('8 driver calls of the run', () => agent.calls().length >= 8, 20_000, 10);
  await proxy.cut();
  const cutAt = Date.now();
  s.log(`database cut off after ${agent.calls().length} driver calls`);

  const bounded = async (label: string, call: () => Promise<Answer>, expected: number): Promise<void> => {
    let res: Answer | undefined;
    let error = '';
    try {
      res = await call();
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    s.check(`${label} answers ${expected} within ${BOUND_MS / 1000} s (${res ? `${res.status} in ${res.ms} ms` : error})`, !!res && res.status === expected && res.ms <= BOUND_MS,
      res ? JSON.stringify(res.body).slice(0, 200) : error);
  };
  await bounded('POST /api/runs (a write)', () => api.post('/api/runs', { workflow: 'chaos_pg_outage', parameters: longRunRows(1000) }, BOUND_MS + 2000), 503);
  await bounded('POST /api/workflows (a write)', () => api.post('/api/workflows', { name: 'chaos_pg_other', deck, script_dict: { prep: [], script: [], cleanup: [] } }, BOUND_MS + 2000), 503);
  await bounded('GET /api/runs/:id (a read)', () => api.get(`/api/runs/${runId}`, BOUND_MS + 2000), 503);
  await bounded('GET /api/health/ready', () => api.get('/api/health/ready', BOUND_MS + 2000), 503);
  await bounded('GET /api/health/live', () => api.get('/api/health/live', BOUND_MS + 2000), 200);
  const callsAtCut = agent.calls().length;
  await sleep(Math.max(0, 4000 - (Date.now() - cutAt)));
  s.check('the agent kept working while the database was away', agent.calls().length > callsAtCut, `${callsAtCut} → ${agent.calls().length}`);

  await proxy.restore();
  s.log(`database reachable again after ${((Date.now() - cutAt) / 1000).toFixed(1)} s`);
  await waitFor('GET /api/health/ready to answer 200 again', async () => (await api.get('/api/health/ready', 3000)).status === 200, 15_000, 200);
  s.check('readiness answers 200 again', true);
  await checkLongRun(s, api, agent, dbUrl, runId, 60_000);
  const runs = await api.get<{ total: number }>('/api/runs');
  s.check('the writes refused with 503 left nothing behind (one run in the database)', runs.body.total === 1, `${runs.body.total} runs`);
});
