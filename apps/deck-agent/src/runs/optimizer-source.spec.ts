import type { OptimizerJob } from '@ivoryos/contracts';
import { suggest, type OptimizerConfig } from '@ivoryos/optimizer';
import type { IterationResult } from '@ivoryos/workflow';
import { runJob, step, workflow } from '../testing/workflow-builders';
import { optimizerRowSource, trialOf, type Suggester } from './optimizer-source';
import { parseRunJob } from './run-job-payload';

const CONFIG: OptimizerConfig = { parameters: { x: { min: 0, max: 10 } }, objectives: [{ output: 'y', direction: 'min', threshold: -1 }], initial: 3, noise: 'deterministic' };
const JOB: OptimizerJob = { config: CONFIG as unknown as OptimizerJob['config'], budget: 5, seed: 4, earlyStop: null, seeded: [] };
const direct: Suggester = async (config, trials, seed, count) => suggest(config, trials, seed, count);
const result = (iteration: number, x: number, y: unknown, by = 'initial'): IterationResult => ({
  iteration, parameters: { x }, outputs: y === undefined ? { x } : { x, y: y as number }, meta: { suggestedBy: by },
});

describe('optimizerRowSource', () => {
  it('gives the optimizer’s suggestions with their notes, and repeats them for the same results', async () => {
    const source = optimizerRowSource(JOB, 1, direct);
    const first = await source.next([], 0);
    expect(first?.rows).toEqual(suggest(CONFIG, [], 4, 1).map((s) => s.parameters));
    expect(first?.meta).toEqual([{ suggestedBy: 'initial', acquisition: null, fitMs: 0 }]);
    const results = [result(1, 2, 4), result(2, 7, 49), result(3, 5, 25)];
    const a = await source.next(results, 3);
    const b = await optimizerRowSource(JOB, 1, direct).next(results, 3);
    expect(a?.rows).toEqual(b?.rows);
    expect(a?.meta?.[0]).toMatchObject({ suggestedBy: 'model', acquisition: expect.any(Number) });
  });

  it('stops at the budget, at the thresholds, and on early stop; the last batch is cut to the budget', async () => {
    const four = [result(1, 1, 1), result(2, 2, 4), result(3, 3, 9), result(4, 4, 16, 'model')];
    expect(await optimizerRowSource(JOB, 1, direct).next([...four, result(5, 0.5, 0.25, 'model')], 5)).toBeNull();
    expect(await optimizerRowSource(JOB, 1, direct).next([result(1, 1, -2)], 1)).toBeNull(); // y <= -1
    expect((await optimizerRowSource(JOB, 3, direct).next(four, 2))?.rows).toHaveLength(1);
    const early = optimizerRowSource({ ...JOB, budget: 50, earlyStop: { patience: 2, minImprovement: 0 } }, 1, direct);
    expect(await early.next([result(1, 1, 1), result(2, 2, 4), result(3, 3, 9)], 3)).toBeNull();
  });

  it('counts seeded trials as data but not against the budget', async () => {
    const seeded = { ...JOB, seeded: [{ parameters: { x: 9 }, outputs: { y: 81 } }, { parameters: { x: 8 }, outputs: { y: 64 } }] };
    const source = optimizerRowSource(seeded, 1, direct);
    const rows = await source.next([result(1, 1, 1), result(2, 2, 4), result(3, 3, 9), result(4, 4, 16, 'model')], 4);
    expect(rows?.rows).toHaveLength(1);
    expect(rows?.meta?.[0]).toMatchObject({ suggestedBy: 'model' });
  });

  it('a sample without its objective is a failed trial, not a zero', () => {
    expect(trialOf(CONFIG, result(1, 3, undefined)).status).toBe('failed');
    expect(trialOf(CONFIG, result(1, 3, 'n/a')).status).toBe('failed');
    expect(trialOf(CONFIG, result(1, 3, 9))).toEqual({ parameters: { x: 3 }, status: 'completed', outputs: { x: 3, y: 9 }, suggestedBy: 'initial' });
  });

  it('the fallback is the next design point', async () => {
    const source = optimizerRowSource(JOB, 1, direct);
    const results = [result(1, 2, 4), result(2, 7, 49), result(3, 5, 25)];
    expect((await source.fallback!(results, 3))?.meta?.[0]).toMatchObject({ suggestedBy: 'initial' });
  });
});

describe('parseRunJob, optimizer runs', () => {
  const wf = workflow([step('deck.bench', 'noop', { x: '#x' }, { return: 'y' })]);
  const job = runJob('lab', wf, { runId: 'r1', mode: 'optimizer', optimizer: JOB });

  it('accepts a campaign and refuses a broken one by field', () => {
    expect(parseRunJob(job, { deck: 'lab', jobId: 'r1' })).toEqual({ ok: true, job });
    const bad = { ...job, optimizer: { ...JOB, budget: 0, seed: 'x', earlyStop: { patience: 0 }, seeded: [1] } };
    const shape = parseRunJob(bad, { deck: 'lab', jobId: 'r1' });
    expect(!shape.ok && shape.errors.map((e) => e.split(':')[0])).toEqual([
      'optimizer.budget', 'optimizer.seed', 'optimizer.earlyStop.patience', 'optimizer.earlyStop.minImprovement', 'optimizer.seeded.0',
    ]);
    // The config by the optimizer's own rules, once the campaign's shape is right.
    expect(parseRunJob({ ...job, optimizer: { ...JOB, config: { ...CONFIG, objectives: [] } } }, { deck: 'lab', jobId: 'r1' })).toEqual({
      ok: false, errors: ['optimizer.config.objectives: must list at least one objective'],
    });
    expect(parseRunJob({ ...job, optimizer: undefined }, { deck: 'lab', jobId: 'r1' })).toEqual({ ok: false, errors: ['optimizer: an optimizer run needs its campaign'] });
  });
});
