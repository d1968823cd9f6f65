/* Chaos 4: two gateway replicas on the same database and Redis (both ingest events); one is killed
   with SIGKILL during a run. The agent keeps going, the other replica takes over ingestion and the
   API, and nothing is lost or doubled. */
import { checkLongRun, longRunRows, saveLongWorkflow } from './lib/long-run';
import { Scenario, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';

void new Scenario('two gateway replicas, one killed (kill -9) during a run', 300_000).run(async (s) => {
  const { api, agent, deck, gateways, dbUrl } = await startStack(s, { name: 'replica', replicas: 2, gatewayEnv: { IVORYOS_INGEST: 'true' } });
  const [a, b] = gateways;
  await saveLongWorkflow(api, deck, 'chaos_replicas');
  const runId = await api.submit({ workflow: 'chaos_replicas', parameters: longRunRows() });
  await waitFor('8 driver calls of the run', () => agent.calls().length >= 8, 20_000, 10);
  const before = agent.calls().length;
  await a.kill('SIGKILL');
  s.log(`replica A killed with SIGKILL after ${before} driver calls; replica B serves on`);
  const onB = api.on(b.url);
  const ready = await onB.get('/api/health/ready');
  s.check('replica B answers ready', ready.status === 200, `${ready.status}`);
  await waitFor('the agent to go on', () => agent.calls().length > before, 5000, 20);
  s.check('the agent keeps going after the replica died', true);
  await checkLongRun(s, onB, agent, dbUrl, runId, 60_000);
  s.check('the deck is online on replica B', (await onB.deckOnline(deck)) === true);
});
