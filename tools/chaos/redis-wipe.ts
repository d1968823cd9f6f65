/* Chaos 5: the private Redis is restarted empty during a run, then wiped with FLUSHALL during
   another. Runs continue, no completed step runs again (call log), the deck is online again, and
   runs queued behind them still start (the queue lives in PostgreSQL). Last, a run the gateway had
   handed to Redis (run.accept job) while the agent was away loses that job in a wipe: the gateway
   must hand it over again once the agent is back. */
import { equilibrate, noop, type Api } from './lib/api';
import { checkLedger } from './lib/checks';
import { checkLongRun, longRunRows, saveLongWorkflow } from './lib/long-run';
import { Scenario, sleep, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';
import { sql, START_MS, type AgentProcess, type CallLine } from './lib/stack';

const LONG = 'chaos_wipe_long';
const SHORT = 'chaos_wipe_short';

void new Scenario('Redis restarted empty, and FLUSHALL, during runs', 300_000).run(async (s) => {
  const { api, agent, deck, redis, dbUrl } = await startStack(s, { name: 'wipe' });
  await saveLongWorkflow(api, deck, LONG);
  await api.saveWorkflow({ name: SHORT, deck, script_dict: { prep: [], script: [noop(1, '#x'), equilibrate(2, '#x', 0.1)], cleanup: [] } });
  const inRange = (from: number, to: number) => (c: CallLine) => {
    const v = Number(c.args.temp ?? c.args.x);
    return v >= from && v < to;
  };

  // 1. Redis killed and started again, empty, in the middle of a run with another queued behind it.
  const first = await api.submit({ workflow: LONG, parameters: longRunRows(0), name: 'during restart' });
  const queued1 = await api.submit({ workflow: SHORT, parameters: [{ x: 5001 }], name: 'queued behind' });
  await waitFor('8 driver calls of the run', () => agent.calls().length >= 8, 20_000, 10);
  await redis.down();
  s.log(`[restart] redis-server killed after ${agent.calls().length} driver calls`);
  await sleep(500);
  await redis.up();
  const upAt = new Date();
  s.log('[restart] redis-server started again, empty');
  await api.untilFreshlyOnline(deck, upAt, 15_000);
  s.check(`[restart] the deck is online again in GET /api/decks (heartbeats after the restart recorded, ${s.elapsed()})`, true);
  await checkLongRun(s, api, agent, dbUrl, first, 60_000, inRange(0, 1000));
  await checkQueuedRun(s, api, agent, dbUrl, queued1, 5001, '[restart] the run queued behind it');

  // 2. FLUSHALL in the middle of a run with another queued behind it.
  const mark = agent.calls().length;
  const second = await api.submit({ workflow: LONG, parameters: longRunRows(2000), name: 'during flushall' });
  const queued2 = await api.submit({ workflow: SHORT, parameters: [{ x: 6001 }], name: 'queued behind' });
  await waitFor('8 driver calls of the run', () => agent.calls().length >= mark + 8, 20_000, 10);
  await redis.flushAll();
  const flushedAt = new Date();
  s.log(`[flushall] FLUSHALL after ${agent.calls().length - mark} driver calls of the run`);
  await api.untilFreshlyOnline(deck, flushedAt, 15_000);
  s.check(`[flushall] the deck is online in GET /api/decks (heartbeats after the wipe recorded, ${s.elapsed()})`, true);
  await checkLongRun(s, api, agent, dbUrl, second, 60_000, inRange(2000, 3000));
  await checkQueuedRun(s, api, agent, dbUrl, queued2, 6001, '[flushall] the run queued behind it');

  // 3. A run handed to Redis while the agent is away, and the wipe takes its run.accept job.
  await agent.kill('SIGKILL');
  const handed = await api.submit({ workflow: SHORT, parameters: [{ x: 7001 }], name: 'handed over, then wiped' });
  const dispatched = await waitFor('the gateway to hand the run to Redis (dispatched_at set)', async () => {
    const [row] = await sql<{ dispatched_at: Date | null; status: string }>(dbUrl, 'select dispatched_at, status from workflow_run where id = $1', [handed]);
    return row?.dispatched_at ? row : undefined;
  }, 5000);
  s.log(`[lost job] agent killed; run handed over (status ${dispatched.status}) while the agent is away; FLUSHALL`);
  await redis.flushAll();
  const restartAt = new Date();
  agent.start();
  await api.untilFreshlyOnline(deck, restartAt, START_MS);
  s.log('[lost job] agent back online');
  await checkQueuedRun(s, api, agent, dbUrl, handed, 7001, '[lost job] the run whose hand-over the wipe took', 30_000);
});

async function checkQueuedRun(s: Scenario, api: Api, agent: AgentProcess, dbUrl: string, runId: string, x: number, what: string, timeoutMs = 20_000): Promise<void> {
  const run = await api.untilStatus(runId, ['completed', 'failed', 'stopped', 'waiting'], timeoutMs);
  s.check(`${what} started and completed (${s.elapsed()})`, run.status === 'completed', `${run.status} ${run.error ?? ''}`);
  const calls = agent.calls().filter((c) => Number(c.args.temp ?? c.args.x) === x);
  s.check(`${what}: its 2 steps: driver invocations ${calls.filter((c) => c.method === 'noop').length} + ${calls.filter((c) => c.method === 'equilibrate').length}`,
    calls.length === 2 && calls[0].method === 'noop' && calls[1].method === 'equilibrate', calls.map((c) => c.text).join(' | '));
  await checkLedger(s, dbUrl, runId);
}
