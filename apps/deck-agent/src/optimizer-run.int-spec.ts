import type { EventEnvelope, OptimizerJob } from '@ivoryos/contracts';
import { assertBuilt, waitFor } from './testing/agent-harness';
import { expectContiguous, ofType, RunRig, step, workflow } from './testing/run-rig';

// Agents are killed and started again; a start takes seconds on a loaded machine.
jest.setTimeout(180_000);
const START_MS = 60_000;

const rigs: RunRig[] = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.dispose();
});
function rig(): RunRig {
  const r = new RunRig();
  rigs.push(r);
  return r;
}

// each trial: the deck's bench.noop(x) returns x, saved as y; a short wait gives the kill something to land in
const WORKFLOW = workflow(
  [step('deck.bench', 'noop', { x: '#x' }, { arg_types: { x: 'float' }, return: 'y' }), step('wait', 'wait', { statement: 0.3 })],
  [step('deck.bench', 'noop', { x: -100 })],
  [step('deck.bench', 'noop', { x: 100 })],
);
const CAMPAIGN: OptimizerJob = {
  config: { parameters: { x: { min: -5, max: 5 } }, objectives: [{ output: 'y', direction: 'min' }], initial: 3, noise: 'deterministic' },
  budget: 7, seed: 11, earlyStop: null, seeded: [],
};
const trialCalls = (log: string[]) => log.filter((l) => l.startsWith('bench noop') && !/"x":(-?100)\}$/.test(l));
const mainStarts = (events: EventEnvelope[]) => ofType(events, 'phase.started').filter((e) => e.event.phase === 'main');

describe('optimizer runs on the agent', () => {
  it('runs the campaign to its budget, prep and cleanup once, each trial from the optimizer', async () => {
    const r = rig();
    await r.start({}, START_MS);
    const job = await r.accept(r.job(WORKFLOW, { mode: 'optimizer', optimizer: CAMPAIGN }));
    await r.waitForStatus(job.runId, 'completed', 60_000);
    const events = await r.events(job.runId);
    expectContiguous(events);
    const log = r.callLog();
    expect(log[0]).toBe('bench noop {"x":-100}');
    expect(log.at(-1)).toBe('bench noop {"x":100}');
    expect(trialCalls(log)).toHaveLength(7);
    expect(new Set(trialCalls(log)).size).toBe(7);
    const starts = mainStarts(events);
    expect(starts.map((e) => e.event.repeatIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // the model steers towards the minimum at x = -5
    const xs = starts.map((e) => e.event.parameters![0].x as number);
    expect(Math.min(...xs.slice(3))).toBeLessThan(Math.min(...xs.slice(0, 3)));
  });

  it('killed mid-campaign and restarted: no trial repeated, none lost, the same trials as without the kill', async () => {
    const plain = rig();
    await plain.start({}, START_MS);
    const uninterrupted = await plain.accept(plain.job(WORKFLOW, { mode: 'optimizer', optimizer: CAMPAIGN }));
    await plain.waitForStatus(uninterrupted.runId, 'completed', 60_000);

    const r = rig();
    const first = await r.start({}, START_MS);
    const job = await r.accept(r.job(WORKFLOW, { mode: 'optimizer', optimizer: CAMPAIGN }));
    // kill inside the 5th trial (a model trial), after its measurement
    await waitFor('the 5th trial to be measured', () => trialCalls(r.callLog()).length >= 5, 60_000);
    first.kill('SIGKILL');
    await first.exited;
    expect(trialCalls(r.callLog())).toHaveLength(5);

    await r.start({}, START_MS);
    await r.waitForStatus(job.runId, 'completed', 60_000);
    const events = await r.events(job.runId);
    expectContiguous(events);
    expect(r.callLog()).toEqual(plain.callLog());
    expect(mainStarts(events).map((e) => e.event.repeatIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
