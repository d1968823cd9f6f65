/* Chaos 3: the agent is killed with SIGKILL between driver calls — inside a `wait` step (not a driver
   call) and while the run waits for an input — and stays away for a while before it comes back. While
   it is away the deck shows offline and the run is not failed; when it is back the run continues from
   its checkpoint: the same prompt, no step repeated (the call log equals an uninterrupted run's). */
import { act, noop, stepsOf, type Api } from './lib/api';
import { checkLedger, checkNoDuplicateRows } from './lib/checks';
import { Scenario, sleep, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';
import { OFFLINE_AFTER_MS, sql, START_MS, type AgentProcess } from './lib/stack';

const WORKFLOW = 'chaos_waiting';
const WAIT_S = 2;
const ROW = { a: 1, b: 2 };
const INPUT = 7;

void new Scenario('agent killed (kill -9) between steps: in a wait step and at an input prompt', 300_000).run(async (s) => {
  const { api, agent, deck, dbUrl } = await startStack(s, { name: 'waiting' });
  await api.saveWorkflow({
    name: WORKFLOW, deck,
    script_dict: {
      prep: [], cleanup: [],
      script: [
        noop(1, '#a'),
        act(2, 'wait', 'wait', { statement: WAIT_S }, { arg_types: { statement: 'float' } }),
        noop(3, '#b'),
        act(4, 'input', 'n', { statement: 'How many vials?' }, { arg_types: { statement: 'int' }, return: 'n' }),
        noop(5, '#n'),
      ],
    },
  });

  // The reference: the same run, uninterrupted.
  const mark0 = agent.calls().length;
  const plain = await api.submit({ workflow: WORKFLOW, parameters: [ROW], name: 'uninterrupted' });
  const plainPrompt = await api.untilRun(plain, 'waiting for input', (r) => r.waiting?.kind === 'input', 20_000);
  await answer(api, plain, plainPrompt.waiting?.promptId);
  await api.untilStatus(plain, ['completed'], 20_000);
  const reference = agent.calls().slice(mark0).map((c) => c.text);
  s.log(`uninterrupted run: ${reference.join(' | ')}`);

  const mark = agent.calls().length;
  const runId = await api.submit({ workflow: WORKFLOW, parameters: [ROW], name: 'interrupted' });
  // Inside the wait step: its row is running (the driver call before it is in the call log).
  await api.untilRun(runId, 'inside its wait step', (r) => stepsOf(r).some((st) => st.methodName === 'wait' && st.status === 'running'), 20_000);
  await agent.kill('SIGKILL');
  s.log('agent killed with SIGKILL inside the wait step; it stays away');
  await expectOfflineNotFailed(s, api, agent, runId, 'in the wait step', 'running');
  agent.start();
  // The 20 s count from the agent's registration: its start time is the machine's.
  await api.untilAgent(deck, agent.pid ?? -1, START_MS);
  s.log('agent started again');
  const prompt = await api.untilRun(runId, 'waiting for input after the wait step', (r) => r.waiting?.kind === 'input', 20_000);
  const waits = stepsOf(prompt).filter((st) => st.methodName === 'wait');
  s.check('the wait step went on after the restart: one wait row, completed', waits.length === 1 && waits[0].status === 'completed', waits.map((w) => w.status).join(', '));

  await waitFor('the prompt to be in the ledger', async () => (await lastSeq(dbUrl, runId)) > 0, 5000);
  await sleep(300); // let the checkpoint after the prompt be recorded too
  await agent.kill('SIGKILL');
  const seqAtKill = await lastSeq(dbUrl, runId);
  s.log(`agent killed with SIGKILL while the run waits for an input (ledger at seq ${seqAtKill}); it stays away`);
  await expectOfflineNotFailed(s, api, agent, runId, 'at the input prompt', 'waiting');
  agent.start();
  s.log('agent started again');
  await api.untilDeck(deck, true, START_MS);
  // The restarted agent resumes the run (new events in the ledger) and asks the same question again
  // (same prompt id): an answer given before the restart is still the right one.
  await waitFor('the resumed run to report again (ledger grows)', async () => (await lastSeq(dbUrl, runId)) > seqAtKill, 15_000, 100);
  const again = await api.untilRun(runId, 'waiting for input again', (r) => r.waiting?.kind === 'input', 10_000);
  s.check('after the restart the run waits for the same prompt', again.waiting?.promptId === prompt.waiting?.promptId, `${prompt.waiting?.promptId} → ${again.waiting?.promptId}`);
  await answer(api, runId, again.waiting?.promptId);
  const done = await api.untilStatus(runId, ['completed', 'failed', 'stopped'], 20_000);
  s.check('the run completed', done.status === 'completed', `${done.status} ${done.error ?? ''}`);
  const calls = agent.calls().slice(mark).map((c) => c.text);
  s.check(`call log equals the uninterrupted run's: ${calls.join(' | ')}`, JSON.stringify(calls) === JSON.stringify(reference), `expected ${reference.join(' | ')}`);
  for (const text of reference) s.check(`${text}: driver invocations ${calls.filter((c) => c === text).length}`, calls.filter((c) => c === text).length === 1);
  const outputs = done.phases.find((p) => p.name === 'main');
  s.check('the step after the input got the answer (#n = 7)', stepsOf(done).some((st) => st.methodName === 'noop' && st.args.x === INPUT && st.status === 'completed'), JSON.stringify(outputs?.steps.map((st) => st.args)));
  checkNoDuplicateRows(s, done);
  await checkLedger(s, dbUrl, runId);
});

async function lastSeq(dbUrl: string, runId: string): Promise<number> {
  const [row] = await sql<{ last_seq: number }>(dbUrl, 'select last_seq from workflow_run where id = $1', [runId]);
  return Number(row?.last_seq ?? 0);
}

async function answer(api: Api, runId: string, promptId: string | undefined): Promise<void> {
  const res = await api.post(`/api/runs/${runId}/input`, { value: String(INPUT), promptId });
  if (res.status !== 202) throw new Error(`input: ${res.status} ${JSON.stringify(res.body)}`);
}

/** While the agent is away: GET /api/decks says offline, and the run stays as it was (not failed). */
async function expectOfflineNotFailed(s: Scenario, api: Api, agent: AgentProcess, runId: string, where: string, status: string): Promise<void> {
  const killedAt = Date.now();
  await api.untilDeck(agent.deck, false, OFFLINE_AFTER_MS + 5000);
  s.check(`${where}: GET /api/decks shows the deck offline (${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill)`, true);
  await sleep(1500);
  const run = await api.run(runId);
  const offline = await api.deckOnline(agent.deck);
  s.check(`${where}: ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill the run is still ${status} (not failed) and the deck offline`, run.status === status && offline === false, `${run.status}, online ${offline}`);
  const attention = await api.get<{ items: { id: string; deckOnline: boolean }[] }>('/api/attention');
  const listed = attention.body.items.find((r) => r.id === runId);
  s.check(`${where}: the run says its deck is offline and is listed in GET /api/attention`, run.deckOnline === false && listed?.deckOnline === false,
    `run.deckOnline ${run.deckOnline}, in attention: ${JSON.stringify(listed)}`);
}
