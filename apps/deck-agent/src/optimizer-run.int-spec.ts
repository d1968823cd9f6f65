import type { EventEnvelope, OptimizerJob } from '@ivoryos/contracts';
import { suggest, type OptimizerConfig, type TrialRecord } from '@ivoryos/optimizer';
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

/** The campaign's trials computed here with the same pure suggest() (y = x, as bench.noop returns x): what the agent must run. */
function expectedTrials(): number[] {
  const config = CAMPAIGN.config as unknown as OptimizerConfig;
  const trials: TrialRecord[] = [];
  while (trials.length < CAMPAIGN.budget) {
    const [s] = suggest(config, trials, CAMPAIGN.seed, 1);
    trials.push({ parameters: s.parameters, status: 'completed', outputs: { x: s.parameters.x, y: s.parameters.x }, suggestedBy: s.suggestedBy });
  }
  return trials.map((t) => t.parameters.x as number);
}

describe('optimizer runs on the agent', () => {
  // One agent killed and restarted (two starts): an uninterrupted run's trials are computed in-process,
  // since the campaign is a pure function of its trials and seed.
  it('killed mid-campaign and restarted: runs the campaign to its budget, prep and cleanup once, no trial repeated or lost', async () => {
    const expected = expectedTrials();
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
    const log = r.callLog();
    expect(log[0]).toBe('bench noop {"x":-100}');
    expect(log.at(-1)).toBe('bench noop {"x":100}');
    expect(log).toEqual(['bench noop {"x":-100}', ...expected.map((x) => `bench noop ${JSON.stringify({ x })}`), 'bench noop {"x":100}']);
    const starts = mainStarts(events);
    expect(starts.map((e) => e.event.repeatIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(starts.map((e) => e.event.meta?.[0]?.['suggestedBy'])).toEqual(['initial', 'initial', 'initial', 'model', 'model', 'model', 'model']);
    // the model steers towards the minimum at x = -5
    expect(Math.min(...expected.slice(3))).toBeLessThan(Math.min(...expected.slice(0, 3)));
  });
});
