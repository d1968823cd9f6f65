/* Chaos 2: the agent is killed with SIGKILL while the driver is inside `equilibrate` (proven by the
   demo deck's call log) and started again. The step becomes `interrupted` and the run `waiting`;
   nothing runs by itself; the operator decides: retry runs the step once more, skip goes on after
   it, stop ends the run. Completed steps never run again. */
import { act, equilibrate, noop, stepsOf, type Api, type RunRecord } from './lib/api';
import { checkLedger, checkNoDuplicateRows } from './lib/checks';
import { Scenario, sleep, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';
import { callText, START_MS, type AgentProcess } from './lib/stack';

const HOLD_S = 2;
const WORKFLOW = 'chaos_mid_call';

type Decision = 'retry' | 'skip' | 'stop';

void new Scenario('agent killed (kill -9) inside a driver call', 300_000).run(async (s) => {
  const { api, agent, deck, dbUrl } = await startStack(s, { name: 'midcall' });
  await api.saveWorkflow({
    name: WORKFLOW, deck,
    script_dict: { prep: [], script: [noop(1, '#before'), equilibrate(2, '#temp', HOLD_S), noop(3, '#after')], cleanup: [act(1, 'deck.bench', 'noop', { x: 0 })] },
  });
  const decisions: Decision[] = ['retry', 'skip', 'stop'];
  for (const [i, decision] of decisions.entries()) {
    await interruptAndDecide(s, api, agent, dbUrl, decision, { before: 100 + i, temp: 40 + i, after: 200 + i });
  }
});

async function interruptAndDecide(s: Scenario, api: Api, agent: AgentProcess, dbUrl: string, decision: Decision, p: { before: number; temp: number; after: number }): Promise<void> {
  const tag = `[${decision}]`;
  const before = callText('bench', 'noop', { x: p.before });
  const held = callText('sdl', 'equilibrate', { temp: p.temp, duration: HOLD_S });
  const after = callText('bench', 'noop', { x: p.after });
  const count = (text: string): number => agent.calls().filter((c) => c.text === text).length;
  const counts = (): string => `${before} ×${count(before)}, ${held} ×${count(held)}, ${after} ×${count(after)}`;

  const runId = await api.submit({ workflow: WORKFLOW, parameters: [p], name: `mid-call ${decision}` });
  await waitFor(`${tag} the driver to be inside equilibrate (call log)`, () => count(held) === 1, 20_000, 10);
  await agent.kill('SIGKILL');
  const killedAt = Date.now();
  s.log(`${tag} agent killed with SIGKILL inside ${held}`);
  agent.start();
  // Starting takes a second on an idle machine and far longer on a loaded one (load, introspect the
  // deck): that is the machine's time, so recovery's 15 s count from the agent's registration.
  await api.untilAgent(agent.deck, agent.pid ?? -1, START_MS);
  const backAt = Date.now();
  s.log(`${tag} agent back (registered) ${((backAt - killedAt) / 1000).toFixed(1)} s after the kill`);
  const waiting = await api.untilRun(runId, 'waiting with the step interrupted', (r) => r.status === 'waiting' && !!findStep(r, 'equilibrate', 'interrupted'), 15_000);
  s.check(`${tag} within 15 s of the agent's return the step is interrupted and the run waiting (${((Date.now() - backAt) / 1000).toFixed(1)} s; ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill)`, true);
  s.check(`${tag} step 1 (noop), finished before the kill, is recorded completed`, findStep(waiting, 'noop', 'completed') && !findStep(waiting, 'noop', 'running'));
  s.check(`${tag} the prompt is of kind interrupted`, waiting.waiting?.kind === 'interrupted', JSON.stringify(waiting.waiting));

  // The agent is back: nothing may run by itself.
  const log = agent.calls().length;
  await api.untilDeck(agent.deck, true, 10_000);
  await sleep(2500);
  s.check(`${tag} nothing ran by itself for 2.5 s after the agent came back (call log unchanged)`, agent.calls().length === log, `${log} → ${agent.calls().length}`);
  s.check(`${tag} the run still waits`, (await api.run(runId)).status === 'waiting');
  s.check(`${tag} before the decision: ${before}: driver invocations ${count(before)}`, count(before) === 1);
  s.check(`${tag} before the decision: ${held}: driver invocations ${count(held)} (interrupted)`, count(held) === 1);

  // A stop after the iteration would first need the prompt answered; stop now ends the run here.
  const body = decision === 'stop' ? { when: 'now' } : { promptId: waiting.waiting?.promptId };
  const res = await api.post(`/api/runs/${runId}/${decision}`, body);
  s.check(`${tag} POST /api/runs/:id/${decision} is accepted (202)`, res.status === 202, `${res.status} ${JSON.stringify(res.body)}`);
  const final = await api.untilStatus(runId, ['completed', 'stopped', 'failed'], 20_000);
  const expectedStatus = decision === 'stop' ? 'stopped' : 'completed';
  s.check(`${tag} the run ends ${expectedStatus}`, final.status === expectedStatus, `${final.status} ${final.error ?? ''}`);

  const expected = { before: 1, held: decision === 'retry' ? 2 : 1, after: decision === 'stop' ? 0 : 1 };
  s.check(`${tag} step 1 (noop, completed): driver invocations ${count(before)}`, count(before) === expected.before);
  s.check(`${tag} step 2 (equilibrate, interrupted${decision === 'retry' ? ', then retried' : ''}): driver invocations ${count(held)}`, count(held) === expected.held, `expected ${expected.held}`);
  s.check(`${tag} step 3 (noop${decision === 'stop' ? ', never reached' : ''}): driver invocations ${count(after)}`, count(after) === expected.after, `expected ${expected.after}`);

  const rows = stepsOf(final).filter((st) => st.phase === 'main').map((st) => `${st.methodName}:${st.status}:${st.attempt}`);
  const expectedRows = {
    retry: ['noop:completed:1', 'equilibrate:interrupted:1', 'equilibrate:completed:2', 'noop:completed:1'],
    skip: ['noop:completed:1', 'equilibrate:interrupted:1', 'noop:completed:1'],
    stop: ['noop:completed:1', 'equilibrate:interrupted:1'],
  }[decision];
  s.check(`${tag} step rows ${expectedRows.join(', ')}`, JSON.stringify(rows) === JSON.stringify(expectedRows), rows.join(', '));
  if (decision === 'stop') {
    const safe = agent.calls().filter((c) => c.method === 'safe_state').length;
    s.check(`${tag} stop now: no cleanup phase, the deck's safe_state() called once`, !final.phases.some((ph) => ph.name === 'cleanup') && safe === 1, `safe_state ×${safe}`);
  }
  checkNoDuplicateRows(s, final);
  await checkLedger(s, dbUrl, runId);
  s.log(`${tag} call log: ${counts()}`);
}

function findStep(run: RunRecord, method: string, status: string): boolean {
  return stepsOf(run).some((st) => st.methodName === method && st.status === status);
}
