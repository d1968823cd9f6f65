import { performance } from 'node:perf_hooks';
import { maximiseLogEi } from './acquisition';
import { checkConfig } from './config-check';
import { fitHyperparameters, GpPosterior, type GpData } from './gp';
import { chebyshev, minimisedValues, simplexWeights } from './objectives';
import { hashSeed, Stream, streamFor } from './rng';
import { SearchSpace } from './search-space';
import { Sobol } from './sobol';
import { OptimizerInputError, type OptimizerConfig, type Suggestion, type TrialRecord } from './types';

/** Ax's rule: at least 5, twice the tunable parameters, at most a fifth of the budget (but never below 1). */
export function defaultInitialCount(config: OptimizerConfig, tunable: number): number {
  const wanted = Math.max(5, 2 * tunable);
  return config.budget === undefined ? wanted : Math.max(1, Math.min(wanted, Math.max(5, Math.floor(config.budget / 5))));
}

/** How many Sobol points to scan for feasible ones before giving up on the constraints. */
const FEASIBLE_SCAN = 1 << 16;

/** The `k`-th feasible point of the campaign's shifted Sobol sequence. */
function sobolPoint(space: SearchSpace, seed: number, k: number): Float64Array {
  const sobol = new Sobol(space.size, hashSeed(seed, Stream.sobolShift));
  let found = -1;
  for (let i = 0; i < k + FEASIBLE_SCAN; i++) {
    const p = space.fromUnitCube(space.snap(sobol.point(i)));
    if (space.feasible(p) && ++found === k) return p;
  }
  throw new OptimizerInputError([{ path: 'constraints', message: `no feasible point among ${FEASIBLE_SCAN} Sobol samples` }]);
}

function randomPoint(space: SearchSpace, seed: number, index: number): Float64Array {
  const rng = streamFor(seed, Stream.random, index);
  for (let i = 0; i < FEASIBLE_SCAN; i++) {
    const p = space.fromUnitCube(space.snap(Float64Array.from({ length: space.size }, () => rng.uniform())));
    if (space.feasible(p)) return p;
  }
  throw new OptimizerInputError([{ path: 'constraints', message: `no feasible point among ${FEASIBLE_SCAN} random samples` }]);
}

function checkInputs(config: unknown, trials: unknown, seed: unknown, count: unknown): void {
  const issues = checkConfig(config);
  if (!Array.isArray(trials)) issues.push({ path: 'trials', message: 'must be a list' });
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) issues.push({ path: 'seed', message: 'must be a whole number' });
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 1000) issues.push({ path: 'count', message: 'must be a whole number from 1 to 1000' });
  if (issues.length > 0) throw new OptimizerInputError(issues);
}

interface ModelPlan {
  model: GpPosterior;
  best: number;
  bestPoints: Float64Array[];
}

/** Fits the GP to the usable trials (standardised scalar objective) with the pending points as fantasies. */
function planModel(
  config: OptimizerConfig,
  space: SearchSpace,
  points: Float64Array[],
  rows: number[][],
  pending: Float64Array[],
  seed: number,
  index: number,
): ModelPlan {
  const raw =
    config.objectives.length === 1
      ? rows.map((r) => r[0])
      : chebyshev(rows, simplexWeights(config.objectives.length, streamFor(seed, Stream.scalarisation, index)));
  const n = raw.length;
  const mean = raw.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? raw.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const sd = variance > 0 ? Math.sqrt(variance) : 1;
  const y = Float64Array.from(raw, (v) => (v - mean) / sd);
  const d = space.size;
  const x = new Float64Array(n * d);
  points.forEach((p, i) => x.set(p, i * d));
  const data: GpData = { x, y, n, d, categorical: space.categorical };
  const learnNoise = config.noise !== 'deterministic';
  const hyper = fitHyperparameters(data, streamFor(seed, Stream.hyperStarts, index), { learnNoise });
  let model = new GpPosterior(data, hyper);
  // the incumbent: the best observation, or with learned noise the best posterior mean at an observed point
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, learnNoise ? model.predict(points[i]).mean : y[i]);
  const order = Array.from(y.keys()).sort((a, b) => y[a] - y[b]);
  const bestPoints = order.map((i) => points[i]);
  if (pending.length > 0) model = model.withPoints(pending, pending.map((p) => model.predict(p).mean));
  return { model, best, bestPoints };
}

/**
 * The next `count` points of a campaign: a pure function of the config, the trials so far (completed,
 * failed and pending, in order) and the seed, so a resumed campaign gets exactly the same points.
 * Sobol points until `initial` trials exist (or while fewer than two trials can be modelled), then
 * GP-LogEI, batches by kriging believer (each pick joins the model at its predicted value).
 * Throws OptimizerInputError for a bad config or arguments.
 */
export function suggest(config: OptimizerConfig, trials: TrialRecord[], seed: number, count = 1): Suggestion[] {
  checkInputs(config, trials, seed, count);
  const space = new SearchSpace(config);
  const initialCount = config.initial ?? defaultInitialCount(config, space.size);
  const algorithm = config.algorithm ?? 'gp-logei';

  const encoded = trials.map((t) => space.encode(t.parameters));
  const points: Float64Array[] = [];
  const rows: number[][] = [];
  const pending: Float64Array[] = [];
  trials.forEach((t, i) => {
    const u = encoded[i];
    if (!u) return;
    const values = minimisedValues(config.objectives, t);
    if (values) {
      points.push(u);
      rows.push(values);
    } else if (t.status === 'pending') pending.push(u);
  });
  const avoid = encoded.filter((u): u is Float64Array => u !== null);
  let sobolUsed = trials.filter((t) => t.suggestedBy === 'initial').length;

  const out: Suggestion[] = [];
  let plan: ModelPlan | null = null;
  for (let b = 0; b < count; b++) {
    const index = trials.length + b;
    let x: Float64Array | null = null;
    let acquisition: number | null = null;
    let fitMs = 0;
    let note: string | undefined;
    if (algorithm === 'random') {
      x = randomPoint(space, seed, index);
    } else if (algorithm === 'gp-logei' && index >= initialCount && points.length >= 2) {
      const started = performance.now();
      try {
        plan ??= planModel(config, space, points, rows, pending, seed, trials.length);
        const found = maximiseLogEi(plan.model, space, plan.best, streamFor(seed, Stream.rawSamples, index), plan.bestPoints, avoid);
        if (found) {
          x = found.x;
          acquisition = found.value;
          plan.model = plan.model.withPoints([x], [plan.model.predict(x).mean]);
        } else note = 'the acquisition search found no untried point';
      } catch (e) {
        note = `model failed: ${(e as Error).message}`;
      }
      fitMs = performance.now() - started;
    } else if (algorithm === 'gp-logei' && index >= initialCount) {
      note = 'fewer than two completed trials to model';
    }
    const bySobol = x === null;
    if (bySobol) {
      x = sobolPoint(space, seed, sobolUsed++);
      // later model-based slots of this batch treat it as pending
      if (plan) plan.model = plan.model.withPoints([x], [plan.model.predict(x).mean]);
      else pending.push(x);
    }
    avoid.push(x as Float64Array);
    out.push({
      parameters: space.decode(x as Float64Array),
      suggestedBy: algorithm === 'gp-logei' && !bySobol ? 'model' : 'initial',
      acquisition,
      fitMs,
      ...(note ? { note } : {}),
    });
  }
  return out;
}
