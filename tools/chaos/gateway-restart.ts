/* Chaos 1 (issue 6's acceptance): the gateway is killed with SIGKILL in the middle of a 40-step run
   and started again on the same database and Redis. The run completes; every step record is there
   once per attempt; the driver ran each step once (the deck's call log); the ledger has no hole. */
import { checkLongRun, longRunRows, saveLongWorkflow } from './lib/long-run';
import { Scenario, sleep, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';

void new Scenario('gateway killed (kill -9) and restarted during a run', 300_000).run(async (s) => {
  const { api, agent, deck, gateways, dbUrl } = await startStack(s, { name: 'gwkill' });
  const [gw] = gateways;
  await saveLongWorkflow(api, deck, 'chaos_gateway_restart');
  const runId = await api.submit({ workflow: 'chaos_gateway_restart', parameters: longRunRows() });

  await waitFor('8 driver calls of the run', () => agent.calls().length >= 8, 20_000, 10);
  const before = agent.calls().length;
  const killed = await gw.kill('SIGKILL');
  s.log(`gateway killed with SIGKILL after ${before} driver calls (exit signal ${killed?.signal})`);
  await sleep(700);
  const duringDown = agent.calls().length;
  await gw.start();
  s.log(`gateway started again on the same database and Redis (the agent made ${duringDown - before} calls while it was down)`);
  s.check('the run went on at the agent while the gateway was down', duringDown > before, `${before} → ${duringDown} calls`);
  await checkLongRun(s, api, agent, dbUrl, runId, 60_000);
});
