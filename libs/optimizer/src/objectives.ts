import type { Rng } from './rng';
import type { ObjectiveSpec, OptimizerConfig, TrialRecord } from './types';

/**
 * The objectives of a completed trial as values to minimise (a "max" objective negated), or null when
 * the trial has not completed or any objective is missing or not a finite number: such a trial is
 * recorded but never fed to the model (no zeros invented).
 */
export function minimisedValues(objectives: ObjectiveSpec[], trial: TrialRecord): number[] | null {
  if (trial.status !== 'completed' || !trial.outputs) return null;
  const out: number[] = [];
  for (const o of objectives) {
    const v = trial.outputs[o.output];
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    out.push(o.direction === 'max' ? -v : v);
  }
  return out;
}

/** A random weight vector, uniform on the simplex. */
export function simplexWeights(k: number, rng: Rng): number[] {
  const w = Array.from({ length: k }, () => -Math.log(1 - rng.uniform()));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/**
 * ParEGO's augmented Chebyshev scalarisation (Knowles 2006) of minimised objective rows: each objective
 * min–max normalised over the rows, then max_i(wᵢfᵢ) + 0.05·Σ wᵢfᵢ.
 */
export function chebyshev(rows: number[][], weights: number[]): number[] {
  const k = weights.length;
  const lo = Array.from({ length: k }, (_, i) => Math.min(...rows.map((r) => r[i])));
  const hi = Array.from({ length: k }, (_, i) => Math.max(...rows.map((r) => r[i])));
  return rows.map((r) => {
    let worst = -Infinity;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const f = hi[i] > lo[i] ? (r[i] - lo[i]) / (hi[i] - lo[i]) : 0;
      worst = Math.max(worst, weights[i] * f);
      total += weights[i] * f;
    }
    return worst + 0.05 * total;
  });
}

/** Positions (in `trials`) of the completed trials no other completed trial dominates, in trial order. */
export function paretoFront(config: Pick<OptimizerConfig, 'objectives'>, trials: TrialRecord[]): number[] {
  const rows = trials.map((t) => minimisedValues(config.objectives, t));
  const front: number[] = [];
  rows.forEach((r, i) => {
    if (!r) return;
    const dominated = rows.some(
      (o, j) => j !== i && o !== null && o.every((v, k) => v <= r[k]) && o.some((v, k) => v < r[k]),
    );
    if (!dominated) front.push(i);
  });
  return front;
}

/** Position of the best completed trial for the first objective (the earliest on ties), or null. */
export function bestTrial(config: Pick<OptimizerConfig, 'objectives'>, trials: TrialRecord[]): number | null {
  let best: number | null = null;
  let bestValue = Infinity;
  trials.forEach((t, i) => {
    const v = minimisedValues(config.objectives, t);
    if (v && v[0] < bestValue) {
      bestValue = v[0];
      best = i;
    }
  });
  return best;
}

/** Whether some completed trial meets every objective's threshold (false when any objective has none). */
export function thresholdsReached(config: Pick<OptimizerConfig, 'objectives'>, trials: TrialRecord[]): boolean {
  const { objectives } = config;
  if (objectives.some((o) => o.threshold === undefined)) return false;
  return trials.some((t) => {
    const v = minimisedValues(objectives, t);
    return v !== null && objectives.every((o, i) => v[i] <= (o.direction === 'max' ? -1 : 1) * (o.threshold as number));
  });
}

export interface StopRules {
  /** Total trials, initial design included; failed trials count (they were spent). */
  budget: number;
  /** Stop after `patience` trials in a row that did not improve the best (first objective) by at least `minImprovement`. */
  earlyStop?: { patience: number; minImprovement: number } | null;
}
export type StopReason = 'budget' | 'thresholds' | 'earlyStop';

/**
 * Why a campaign ends now, or null to go on: the budget is spent, every objective has reached its
 * threshold in one trial (as IvoryOS stops), or the first objective stopped improving. Pending trials
 * count towards the budget.
 */
export function campaignStop(config: Pick<OptimizerConfig, 'objectives'>, trials: TrialRecord[], rules: StopRules): StopReason | null {
  if (trials.length >= rules.budget) return 'budget';
  if (thresholdsReached(config, trials)) return 'thresholds';
  const early = rules.earlyStop;
  if (early) {
    let best = Infinity;
    let lastImprovement = -1;
    trials.forEach((t, i) => {
      const v = minimisedValues(config.objectives, t);
      if (!v) return;
      if (best === Infinity || v[0] < best - early.minImprovement) lastImprovement = i;
      best = Math.min(best, v[0]);
    });
    if (lastImprovement >= 0 && trials.length - 1 - lastImprovement >= early.patience) return 'earlyStop';
  }
  return null;
}
