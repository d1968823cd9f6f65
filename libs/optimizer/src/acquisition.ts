/**
 * LogEI and its maximisation: raw candidates (uniform points plus perturbations of the best observed
 * points, so the search keeps refining around the incumbent), the best ten polished
 * by L-BFGS-B on the analytic gradient, categorical levels by coordinate descent, discrete coordinates
 * snapped to their grid with a check of the neighbouring grid points.
 */
import type { GpPosterior } from './gp';
import { lbfgsb } from './lbfgsb';
import { logH } from './normal';
import type { Rng } from './rng';
import type { SearchSpace } from './search-space';

/** log EI(x) for minimisation below `best`, with ∂/∂x written into `grad` when given. */
export function logEi(model: GpPosterior, x: ArrayLike<number>, best: number, grad?: Float64Array): number {
  const d = x.length;
  if (!grad) {
    const { mean, sd } = model.predict(x);
    return Math.log(sd) + logH((best - mean) / sd).value;
  }
  const gm = new Float64Array(d);
  const gs = new Float64Array(d);
  const { mean, sd } = model.predict(x, gm, gs);
  const z = (best - mean) / sd;
  const h = logH(z);
  for (let l = 0; l < d; l++) {
    const dz = (-gm[l] - z * gs[l]) / sd;
    grad[l] = gs[l] / sd + h.slope * dz;
  }
  return Math.log(sd) + h.value;
}

export interface AcquisitionOptions {
  rawSamples?: number;
  restarts?: number;
  maxIterations?: number;
}

export interface Candidate {
  x: Float64Array;
  value: number;
}

/** Perturbation scale around the best points, in unit-cube widths (BoTorch's sample_around_best). */
const LOCAL_SCALES = [0.05];
const AROUND_BEST = 5;

type Allowed = (x: Float64Array) => boolean;

function rawCandidates(space: SearchSpace, allowed: Allowed, rng: Rng, bestPoints: Float64Array[], count: number): Float64Array[] {
  const d = space.size;
  const out: Float64Array[] = [];
  const uniform = new Float64Array(d);
  for (let i = 0; i < count; i++) {
    for (let l = 0; l < d; l++) uniform[l] = rng.uniform();
    out.push(space.fromUnitCube(uniform));
  }
  for (const base of bestPoints.slice(0, AROUND_BEST)) {
    for (const scale of LOCAL_SCALES) {
      for (let i = 0; i < 50; i++) {
        const p = Float64Array.from(base);
        for (let l = 0; l < d; l++) {
          if (space.categorical[l]) continue;
          p[l] = Math.min(1, Math.max(0, p[l] + scale * rng.normal()));
        }
        out.push(p);
      }
    }
  }
  return out.filter(allowed);
}

function localSearch(
  model: GpPosterior,
  space: SearchSpace,
  allowed: Allowed | undefined,
  best: number,
  start: Float64Array,
  maxIterations: number,
): Candidate {
  // categorical coordinates are held where they are: bounds collapse onto the current level
  const lower = Float64Array.from(space.lower, (lo, l) => (space.categorical[l] ? start[l] : lo));
  const upper = Float64Array.from(space.upper, (hi, l) => (space.categorical[l] ? start[l] : hi));
  const negative = (x: Float64Array, g: Float64Array) => {
    const v = logEi(model, x, best, g);
    for (let l = 0; l < g.length; l++) g[l] = -g[l];
    return -v;
  };
  const result = lbfgsb(negative, start, { lower, upper, maxIterations, feasible: allowed, relativeTolerance: 1e-9 });
  return { x: result.x, value: -result.f };
}

/** Tries every level of each categorical coordinate, re-polishing the continuous ones (two rounds). */
function categoricalDescent(model: GpPosterior, space: SearchSpace, allowed: Allowed, best: number, start: Candidate): Candidate {
  let current = start;
  for (let round = 0; round < 2; round++) {
    let improved = false;
    space.dims.forEach((dim, l) => {
      if (dim.kind !== 'categorical') return;
      for (let level = 0; level < dim.values.length; level++) {
        if (level === current.x[l]) continue;
        const x = Float64Array.from(current.x);
        x[l] = level;
        if (!allowed(x)) continue;
        const c = localSearch(model, space, allowed, best, x, 30);
        if (c.value > current.value) {
          current = c;
          improved = true;
        }
      }
    });
    if (!improved) break;
  }
  return current;
}

/** Snaps discrete coordinates to the grid, choosing among the floor/ceiling neighbours by LogEI. */
function snapToGrid(model: GpPosterior, space: SearchSpace, allowed: Allowed, best: number, c: Candidate): Candidate | null {
  const discrete = space.dims.flatMap((dim, l) => (dim.kind === 'discrete' ? [l] : []));
  if (discrete.length === 0) return allowed(c.x) ? c : null;
  const options = discrete.map((l) => {
    const dim = space.dims[l] as { values: number[] };
    const k = dim.values.length - 1;
    const pos = Math.min(1, Math.max(0, c.x[l])) * k;
    return [...new Set([Math.floor(pos), Math.ceil(pos)])].map((i) => i / k);
  });
  // all floor/ceiling combinations up to 2⁸; beyond, rounding alone
  const combos = options.reduce((n, o) => n * o.length, 1) <= 256 ? options : options.map((_, i) => [space.snap(c.x)[discrete[i]]]);
  let bestSnap: Candidate | null = null;
  const walk = (i: number, x: Float64Array) => {
    if (i === combos.length) {
      if (!allowed(x)) return;
      const value = logEi(model, x, best);
      if (!bestSnap || value > bestSnap.value) bestSnap = { x: Float64Array.from(x), value };
      return;
    }
    for (const v of combos[i]) {
      x[discrete[i]] = v;
      walk(i + 1, x);
    }
  };
  walk(0, Float64Array.from(c.x));
  return bestSnap;
}

const samePoint = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  for (let l = 0; l < a.length; l++) if (Math.abs(a[l] - b[l]) > 1e-9) return false;
  return true;
};

/**
 * The feasible point of largest LogEI that is not within 1e-9 of a point in `avoid` (trials already
 * run, pending or failed), or null when the search finds nothing new.
 */
export function maximiseLogEi(
  model: GpPosterior,
  space: SearchSpace,
  best: number,
  rng: Rng,
  bestPoints: Float64Array[],
  avoid: Float64Array[],
  options: AcquisitionOptions = {},
): Candidate | null {
  const allowed: Allowed = (x) => space.feasible(x);
  const lineSearchTest = space.constraints.length > 0 ? allowed : undefined;
  const raw = rawCandidates(space, allowed, rng, bestPoints, options.rawSamples ?? 1024);
  const scored = raw.map((x) => ({ x, value: logEi(model, x, best) })).filter((c) => Number.isFinite(c.value));
  scored.sort((a, b) => b.value - a.value);
  const starts: Candidate[] = [];
  for (const c of scored) {
    if (starts.length >= (options.restarts ?? 10)) break;
    if (!starts.some((s) => samePoint(s.x, c.x))) starts.push(c);
  }
  const polished = starts.map((s) => {
    const c = localSearch(model, space, lineSearchTest, best, s.x, options.maxIterations ?? 100);
    return c.value >= s.value ? c : s;
  });
  polished.sort((a, b) => b.value - a.value);
  const hasCategorical = space.categorical.some((c) => c === 1);
  for (const p of polished) {
    const c = snapToGrid(model, space, allowed, best, hasCategorical ? categoricalDescent(model, space, allowed, best, p) : p);
    if (c && !avoid.some((a) => samePoint(a, c.x))) return c;
  }
  // polishing collapsed onto known points: the best raw candidate not yet tried
  for (const s of scored) {
    const c = snapToGrid(model, space, allowed, best, s);
    if (c && !avoid.some((a) => samePoint(a, c.x))) return c;
  }
  return null;
}
