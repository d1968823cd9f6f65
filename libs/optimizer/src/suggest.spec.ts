import { bestTrial, paretoFront, thresholdsReached } from './objectives';
import { suggest } from './suggest';
import { OptimizerInputError, type OptimizerConfig, type ParamValue, type TrialRecord } from './types';

// the benchmark deck's Branin (examples/decks/benchmarks.ts), minimum 0.397887
const branin = ([x1, x2]: number[]) =>
  (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;

const BRANIN: OptimizerConfig = {
  parameters: { x1: { min: -5, max: 10 }, x2: { min: 0, max: 15 } },
  objectives: [{ output: 'y', direction: 'min' }],
  initial: 5,
  noise: 'deterministic',
};

/** Runs a campaign of `total` trials on `f`, one suggestion at a time. */
function campaign(config: OptimizerConfig, seed: number, total: number, f: (p: Record<string, ParamValue>) => Record<string, number>): TrialRecord[] {
  const trials: TrialRecord[] = [];
  while (trials.length < total) {
    const [s] = suggest(config, trials, seed);
    trials.push({ parameters: s.parameters, status: 'completed', outputs: f(s.parameters), suggestedBy: s.suggestedBy });
  }
  return trials;
}
const braninOf = (p: Record<string, ParamValue>) => ({ y: branin([p.x1 as number, p.x2 as number]) });
const completed = (parameters: Record<string, ParamValue>, outputs: Record<string, number>): TrialRecord => ({
  parameters, outputs, status: 'completed', suggestedBy: 'initial',
});

describe('suggest', () => {
  it('starts with the shifted Sobol design, then the model', () => {
    const trials = campaign(BRANIN, 1, 7, braninOf);
    const kinds = trials.map((t) => t.suggestedBy);
    expect(kinds).toEqual(['initial', 'initial', 'initial', 'initial', 'initial', 'model', 'model']);
    for (const t of trials) {
      expect(t.parameters.x1).toBeGreaterThanOrEqual(-5);
      expect(t.parameters.x1).toBeLessThanOrEqual(10);
      expect(t.parameters.x2).toBeGreaterThanOrEqual(0);
      expect(t.parameters.x2).toBeLessThanOrEqual(15);
    }
    const [next] = suggest(BRANIN, trials, 1);
    expect(next.acquisition).toEqual(expect.any(Number));
    expect(next.fitMs).toBeGreaterThan(0);
  });

  it('is a pure function: same trials and seed, same points; another seed, other points', () => {
    const trials = campaign(BRANIN, 3, 9, braninOf);
    const a = suggest(BRANIN, trials, 3, 2);
    const b = suggest(structuredClone(BRANIN), structuredClone(trials), 3, 2);
    expect(b.map((s) => s.parameters)).toEqual(a.map((s) => s.parameters));
    expect(b.map((s) => s.acquisition)).toEqual(a.map((s) => s.acquisition));
    expect(suggest(BRANIN, trials, 4)[0].parameters).not.toEqual(a[0].parameters);
    expect(suggest(BRANIN, [], 3)[0].parameters).not.toEqual(suggest(BRANIN, [], 4)[0].parameters);
  });

  it('a resumed campaign repeats the same trajectory', () => {
    const whole = campaign(BRANIN, 5, 10, braninOf);
    const resumed = whole.slice(0, 6);
    while (resumed.length < 10) {
      const [s] = suggest(BRANIN, resumed, 5);
      resumed.push(completed(s.parameters, braninOf(s.parameters)));
    }
    expect(resumed.map((t) => t.parameters)).toEqual(whole.map((t) => t.parameters));
  });

  // quality over 10 seeds is bench/optimizer.ts's (docs/benchmarks.md); this only shows the model steers
  it('smoke: Branin, 5 Sobol + 15 model trials, the model finds what the design missed', () => {
    const trials = campaign(BRANIN, 3, 20, braninOf);
    const best = (ts: TrialRecord[]) => Math.min(...ts.map((t) => t.outputs!.y as number));
    expect(best(trials)).toBeLessThan(0.45);
    expect(best(trials)).toBeGreaterThanOrEqual(0.397887);
    expect(best(trials.slice(0, 5))).toBeGreaterThan(1);
  });

  it('maximises when asked', () => {
    const config: OptimizerConfig = { parameters: { x: { min: 0, max: 1 } }, objectives: [{ output: 'y', direction: 'max' }], initial: 3, noise: 'deterministic' };
    const trials = campaign(config, 0, 12, (p) => ({ y: -(((p.x as number) - 0.3) ** 2) }));
    const best = trials[bestTrial(config, trials)!];
    expect(best.parameters.x as number).toBeCloseTo(0.3, 2);
  });

  it('honours linear constraints in the design and in model suggestions', () => {
    const config: OptimizerConfig = { ...BRANIN, constraints: ['x1 + x2 <= 5', 'x2 >= 1'] };
    const trials = campaign(config, 2, 14, braninOf);
    for (const t of trials) {
      expect((t.parameters.x1 as number) + (t.parameters.x2 as number)).toBeLessThanOrEqual(5 + 1e-9);
      expect(t.parameters.x2 as number).toBeGreaterThanOrEqual(1 - 1e-9);
    }
    expect(trials.filter((t) => t.suggestedBy === 'model')).toHaveLength(9);
  });

  it('handles integers, grids, numeric and string choices and injects fixed values', () => {
    const config: OptimizerConfig = {
      parameters: {
        n: { min: 1, max: 6, integer: true }, t: { min: 0, max: 1, step: 0.25 }, k: { choices: [10, 1, 5] },
        solvent: { choices: ['water', 'ethanol', 'acetone'] }, flag: { choices: [true, false] }, volume: { value: 2.5 },
      },
      objectives: [{ output: 'y', direction: 'min' }],
      initial: 4,
    };
    // best at n = 4, t = 0.75, k = 5, acetone, flag true
    const f = (p: Record<string, ParamValue>) => ({
      y: ((p.n as number) - 4) ** 2 + ((p.t as number) - 0.75) ** 2 + Math.abs((p.k as number) - 5) + (p.solvent === 'acetone' ? 0 : 2) + (p.flag ? 0 : 1),
    });
    const trials = campaign(config, 1, 16, f);
    for (const { parameters: p } of trials) {
      expect(Object.keys(p)).toEqual(['n', 't', 'k', 'solvent', 'flag', 'volume']);
      expect(Number.isInteger(p.n)).toBe(true);
      expect([0, 0.25, 0.5, 0.75, 1]).toContain(p.t);
      expect([1, 5, 10]).toContain(p.k);
      expect(['water', 'ethanol', 'acetone']).toContain(p.solvent);
      expect([true, false]).toContain(p.flag);
      expect(p.volume).toBe(2.5);
    }
    const keys = new Set(trials.map((t) => JSON.stringify(t.parameters)));
    expect(keys.size).toBe(trials.length); // nothing suggested twice
    // the model improves on the design
    const bestOf = (ts: TrialRecord[]) => Math.min(...ts.map((t) => t.outputs!.y as number));
    expect(bestOf(trials)).toBeLessThan(bestOf(trials.slice(0, 4)));
  });

  it('a batch: q distinct points, deterministic, and pending trials are not suggested again', () => {
    const trials = campaign(BRANIN, 6, 8, braninOf);
    const batch = suggest(BRANIN, trials, 6, 4);
    expect(batch).toHaveLength(4);
    expect(batch.every((s) => s.suggestedBy === 'model')).toBe(true);
    expect(new Set(batch.map((s) => JSON.stringify(s.parameters))).size).toBe(4);
    expect(suggest(BRANIN, trials, 6, 4).map((s) => s.parameters)).toEqual(batch.map((s) => s.parameters));
    // with the batch pending, the next point is none of them
    const pending = [...trials, ...batch.map((s): TrialRecord => ({ parameters: s.parameters, status: 'pending', suggestedBy: 'model' }))];
    const [next] = suggest(BRANIN, pending, 6);
    expect(batch.map((s) => s.parameters)).not.toContainEqual(next.parameters);
  });

  it('a batch that crosses from the design into the model', () => {
    const trials = campaign(BRANIN, 7, 3, braninOf);
    const batch = suggest(BRANIN, trials, 7, 4);
    expect(batch.map((s) => s.suggestedBy)).toEqual(['initial', 'initial', 'model', 'model']);
  });

  it('failed trials and trials without every objective are not modelled as values', () => {
    const trials = campaign(BRANIN, 8, 6, braninOf);
    const withFailures: TrialRecord[] = [
      ...trials,
      { parameters: { x1: 0, x2: 0 }, status: 'failed', suggestedBy: 'model' },
      { parameters: { x1: 1, x2: 1 }, status: 'completed', outputs: { y: 'oops' }, suggestedBy: 'operator' },
      { parameters: { x1: 2, x2: 2 }, status: 'completed', outputs: { y: Number.NaN }, suggestedBy: 'operator' },
      { parameters: { x1: 99, x2: 2 }, status: 'completed', outputs: { y: 1 }, suggestedBy: 'seeded' }, // outside the space
    ];
    const [s] = suggest(BRANIN, withFailures, 8);
    expect(s.suggestedBy).toBe('model');
    expect(s.parameters).not.toEqual({ x1: 0, x2: 0 });
    // the same suggestion as if the unusable trials were absent, except for the failed point being avoided
    expect(Number.isFinite(s.acquisition)).toBe(true);
  });

  it('falls back to the design while fewer than two trials can be modelled', () => {
    const trials: TrialRecord[] = Array.from({ length: 6 }, (_, i) => ({ parameters: { x1: i, x2: i }, status: 'failed', suggestedBy: 'initial' }));
    const [s] = suggest(BRANIN, trials, 1);
    expect(s.suggestedBy).toBe('initial');
    expect(s.note).toMatch(/fewer than two/);
  });

  it('operator and seeded trials count towards the design but do not consume Sobol points', () => {
    const seeded = [completed({ x1: 0, x2: 5 }, { y: 20 }), completed({ x1: 3, x2: 3 }, { y: 1 })].map((t) => ({ ...t, suggestedBy: 'seeded' as const }));
    const first = suggest(BRANIN, [], 9)[0];
    expect(suggest(BRANIN, seeded, 9)[0].parameters).toEqual(first.parameters);
  });

  it('several objectives: Chebyshev scalarisation per batch and the observed Pareto front', () => {
    const config: OptimizerConfig = {
      parameters: { x: { min: 0, max: 1 } },
      objectives: [{ output: 'a', direction: 'min' }, { output: 'b', direction: 'min', threshold: 0.5 }],
      initial: 4,
    };
    const trials = campaign(config, 0, 10, (p) => ({ a: (p.x as number) ** 2, b: (1 - (p.x as number)) ** 2 }));
    expect(trials.slice(4).every((t) => t.suggestedBy === 'model')).toBe(true);
    const front = paretoFront(config, trials);
    // on this problem every distinct x in [0, 1] is Pareto-optimal
    expect(front).toEqual(trials.map((_, i) => i));
    const dominated = [...trials, completed({ x: 0.5 }, { a: 9, b: 9 })];
    expect(paretoFront(config, dominated)).not.toContain(trials.length);
  });

  it('thresholds: reached only when one trial meets every objective', () => {
    const config: OptimizerConfig = {
      parameters: { x: { min: 0, max: 1 } },
      objectives: [{ output: 'a', direction: 'max', threshold: 5 }, { output: 'b', direction: 'min', threshold: 1 }],
    };
    expect(thresholdsReached(config, [completed({ x: 0 }, { a: 6, b: 2 }), completed({ x: 1 }, { a: 4, b: 0 })])).toBe(false);
    expect(thresholdsReached(config, [completed({ x: 0 }, { a: 5, b: 1 })])).toBe(true);
    expect(thresholdsReached({ objectives: [{ output: 'a', direction: 'min' }] }, [completed({ x: 0 }, { a: -1e9 })])).toBe(false);
  });

  it('sobol and random algorithms never model', () => {
    for (const algorithm of ['sobol', 'random'] as const) {
      const trials = campaign({ ...BRANIN, algorithm }, 0, 8, braninOf);
      expect(trials.every((t) => t.suggestedBy === 'initial')).toBe(true);
    }
  });

  it('bad input throws OptimizerInputError with every issue', () => {
    const bad = { ...BRANIN, parameters: { x1: { min: 1, max: 0 } } };
    expect(() => suggest(bad, [], 0)).toThrow(OptimizerInputError);
    try {
      suggest(bad, 'x' as unknown as TrialRecord[], 1.5, 0);
    } catch (e) {
      expect((e as OptimizerInputError).issues.map((i) => i.path)).toEqual(['parameters.x1.max', 'trials', 'seed', 'count']);
    }
    expect.assertions(2);
  });

  it('constraints that leave no feasible point are reported, not looped on', () => {
    const config: OptimizerConfig = { ...BRANIN, constraints: ['x1 + x2 <= -100'] };
    expect(() => suggest(config, [], 0)).toThrow(/no feasible point/);
  });
});
