/**
 * Box-constrained limited-memory BFGS ("L-BFGS-B" in the projected-gradient form): the search
 * direction comes from the two-loop recursion over the free variables (those not held at a bound by
 * their gradient), and a backtracking Armijo line search along the projected path keeps every iterate
 * inside the box. An optional `feasible` test (linear constraints) makes the line search backtrack
 * until the iterate satisfies it, so a feasible start stays feasible.
 */

/** Objective and gradient: writes ∂f/∂x into `grad` and returns f (Infinity or NaN count as a failed point). */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsbOptions {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  maxIterations?: number;
  /** History pairs kept (default 10). */
  memory?: number;
  /** Stop when the largest projected-gradient component is below this (default 1e-6). */
  gradientTolerance?: number;
  /** Stop when the relative decrease of f in an iteration is below this (default 1e-10). */
  relativeTolerance?: number;
  feasible?: (x: Float64Array) => boolean;
}

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;

export function lbfgsb(fg: ValueAndGradient, x0: ArrayLike<number>, options: LbfgsbOptions): LbfgsbResult {
  const n = x0.length;
  const { lower, upper } = options;
  const maxIterations = options.maxIterations ?? 100;
  const m = options.memory ?? 10;
  const pgtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.relativeTolerance ?? 1e-10;
  const project = (x: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    return x;
  };

  let x: Float64Array = project(Float64Array.from(x0));
  let g: Float64Array = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations, converged: false };

  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const d = new Float64Array(n);
  const free = new Uint8Array(n);
  const alpha = new Float64Array(m);
  let xNew: Float64Array = new Float64Array(n);
  let gNew: Float64Array = new Float64Array(n);

  for (let iter = 0; iter < maxIterations; iter++) {
    // projected gradient and the free set
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const atLower = x[i] <= lower[i] && g[i] > 0;
      const atUpper = x[i] >= upper[i] && g[i] < 0;
      free[i] = atLower || atUpper || lower[i] === upper[i] ? 0 : 1;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(g[i]));
    }
    if (pgMax < pgtol) return { x, f, iterations: iter, evaluations, converged: true };

    // two-loop recursion on the free variables
    for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    const k = sHist.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i]) a += sHist[j][i] * d[i];
      a *= rhoHist[j];
      alpha[j] = a;
      for (let i = 0; i < n; i++) if (free[i]) d[i] -= a * yHist[j][i];
    }
    if (k > 0) {
      let yy = 0;
      for (let i = 0; i < n; i++) yy += yHist[k - 1][i] * yHist[k - 1][i];
      const gamma = 1 / (rhoHist[k - 1] * yy);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i]) b += yHist[j][i] * d[i];
      b *= rhoHist[j];
      for (let i = 0; i < n; i++) if (free[i]) d[i] += sHist[j][i] * (alpha[j] - b);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i] * d[i];
    if (!(slope < 0)) {
      // not a descent direction on the free set: fall back to steepest descent and forget the history
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    }

    // backtracking along the projected path; the first step of a fresh history is scaled to a unit move
    let step = 1;
    if (sHist.length === 0) {
      let dn = 0;
      for (let i = 0; i < n; i++) dn = Math.max(dn, Math.abs(d[i]));
      step = dn > 0 ? Math.min(1, 1 / dn) : 1;
    }
    let accepted = false;
    let fNew = f;
    for (let bt = 0; bt < MAX_BACKTRACKS; bt++, step *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      project(xNew);
      if (options.feasible && !options.feasible(xNew)) continue;
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i] * (xNew[i] - x[i]);
      if (decrease >= 0) continue;
      fNew = fg(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + ARMIJO * decrease) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      if (sHist.length === 0) return { x, f, iterations: iter, evaluations, converged: false };
      sHist.length = yHist.length = rhoHist.length = 0;
      continue;
    }

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
    }
    if (sy > 1e-12) {
      if (sHist.length === m) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
      sHist.push(s);
      yHist.push(y);
      rhoHist.push(1 / sy);
    }
    const relative = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (relative < ftol) return { x, f, iterations: iter + 1, evaluations, converged: true };
  }
  return { x, f, iterations: maxIterations, evaluations, converged: false };
}
