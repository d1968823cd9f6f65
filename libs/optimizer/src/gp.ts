/**
 * Gaussian-process regression: a Matérn-5/2 kernel with one length scale per input (ARD), a signal
 * variance and a noise variance, hyperparameters by MAP (log marginal likelihood plus log priors,
 * maximised with L-BFGS-B on the analytic gradient in log-parameter space). Inputs live in the unit
 * cube; categorical inputs hold a level index and contribute a Hamming distance (1 if the levels differ).
 */
import { lbfgsb } from './lbfgsb';
import { choleskyInverse, choleskySolve, safeCholesky, solveLower, solveUpper, transpose } from './linalg';
import type { Rng } from './rng';

const SQRT5 = Math.sqrt(5);
const LOG_2PI = Math.log(2 * Math.PI);

/** Observations in model space: n points of d coordinates (row-major) and their standardised values. */
export interface GpData {
  x: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  /** 1 where a dimension is categorical (Hamming distance), else 0. */
  categorical: Uint8Array;
}

export interface GpHyperparameters {
  lengthscales: Float64Array;
  signalVariance: number;
  noiseVariance: number;
  /** The constant prior mean (learned, flat prior: BoTorch's ConstantMean). */
  mean: number;
}

export interface GpFitOptions {
  /** Learn the noise variance (prior LogNormal(−4, 1)); otherwise it is fixed at 1e-6. */
  learnNoise: boolean;
  /** Random starts besides the prior's mode (default 2, 1 above 100 observations). */
  randomStarts?: number;
  maxIterations?: number;
}

/** Priors and bounds (BoTorch < 0.12 defaults: the reference measured them best at small budgets). */
export const GP_PRIORS = {
  lengthscale: { shape: 3, rate: 6 }, // Gamma: mean 0.5 in the unit cube
  signal: { shape: 2, rate: 0.15 },
  noise: { mu: -4, sigma: 1 }, // LogNormal on the variance
  lengthscaleBounds: [1e-3, 30],
  signalBounds: [0.05, 20],
  noiseBounds: [1e-6, 1],
  fixedNoise: 1e-6,
  meanBounds: [-5, 5], // standardised outputs
} as const;

/** Squared per-dimension differences of every pair i < j, pair-major. */
function pairDistances(data: GpData): Float64Array {
  const { x, n, d, categorical } = data;
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      for (let l = 0; l < d; l++) {
        const diff = x[i * d + l] - x[j * d + l];
        out[p++] = categorical[l] ? (diff === 0 ? 0 : 1) : diff * diff;
      }
    }
  }
  return out;
}

/** Negative log posterior of the hyperparameters and its gradient, as L-BFGS-B wants it. */
function negativeLogPosterior(data: GpData, d2: Float64Array, learnNoise: boolean) {
  const { n, d, y } = data;
  const k = new Float64Array(n * n);
  const q = new Float64Array((n * (n - 1)) / 2);
  const invL2 = new Float64Array(d);
  const resid = new Float64Array(n);
  return (theta: Float64Array, grad: Float64Array): number => {
    for (let l = 0; l < d; l++) invL2[l] = Math.exp(-2 * theta[l]);
    const s2 = Math.exp(theta[d]);
    const c = theta[d + 1];
    const noise = learnNoise ? Math.exp(theta[d + 2]) : GP_PRIORS.fixedNoise;
    for (let i = 0; i < n; i++) resid[i] = y[i] - c;
    let p = 0;
    for (let i = 0; i < n; i++) {
      k[i * n + i] = s2 + noise;
      for (let j = 0; j < i; j++, p++) {
        let r2 = 0;
        for (let l = 0; l < d; l++) r2 += d2[p * d + l] * invL2[l];
        const r = Math.sqrt(r2);
        const e = Math.exp(-SQRT5 * r);
        k[i * n + j] = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * e;
        q[p] = s2 * (5 / 3) * (1 + SQRT5 * r) * e;
      }
    }
    const chol = safeCholesky(lowerToFull(k, n), n);
    if (!chol) return Infinity;
    const { l: lf } = chol;
    const alpha = choleskySolve(lf, n, resid);
    const kinv = choleskyInverse(lf, n);
    let quad = 0;
    let logDet = 0;
    let gMean = 0;
    for (let i = 0; i < n; i++) {
      gMean += alpha[i];
      quad += resid[i] * alpha[i];
      logDet += Math.log(lf[i * n + i]);
    }
    // ∂ log ML / ∂θ = ½ Σ_ij W_ij ∂K_ij/∂θ with W = ααᵀ − K⁻¹ (pairs i < j counted twice)
    grad.fill(0);
    let gSignal = 0;
    let gNoise = 0;
    p = 0;
    for (let i = 0; i < n; i++) {
      const wii = alpha[i] * alpha[i] - kinv[i * n + i];
      gSignal += wii * s2;
      gNoise += wii * noise;
      for (let j = 0; j < i; j++, p++) {
        const w = 2 * (alpha[i] * alpha[j] - kinv[i * n + j]);
        gSignal += w * k[i * n + j];
        const wq = w * q[p];
        for (let l = 0; l < d; l++) grad[l] += wq * d2[p * d + l];
      }
    }
    const { lengthscale: lp, signal: sp, noise: np } = GP_PRIORS;
    let logPrior = 0;
    for (let l = 0; l < d; l++) {
      const ls = Math.exp(theta[l]);
      grad[l] = -0.5 * grad[l] * invL2[l] - ((lp.shape - 1) - lp.rate * ls);
      logPrior += (lp.shape - 1) * theta[l] - lp.rate * ls;
    }
    grad[d] = -0.5 * gSignal - ((sp.shape - 1) - sp.rate * s2);
    logPrior += (sp.shape - 1) * theta[d] - sp.rate * s2;
    grad[d + 1] = -gMean; // ∂ log ML / ∂c = Σ αᵢ
    if (learnNoise) {
      const z = (theta[d + 2] - np.mu) / np.sigma;
      grad[d + 2] = -0.5 * gNoise - (-1 - z / np.sigma);
      logPrior += -theta[d + 2] - 0.5 * z * z;
    }
    return 0.5 * quad + logDet + 0.5 * n * LOG_2PI - logPrior;
  };
}

/** Copies the lower triangle into the upper one (safeCholesky reads only the lower triangle, but stays general). */
function lowerToFull(k: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) k[j * n + i] = k[i * n + j];
  return k;
}

/** The objective the fit minimises, exposed for gradient checks in tests. */
export function hyperObjective(data: GpData, learnNoise: boolean) {
  return negativeLogPosterior(data, pairDistances(data), learnNoise);
}

function toTheta(h: GpHyperparameters, learnNoise: boolean): Float64Array {
  const d = h.lengthscales.length;
  const t = new Float64Array(d + (learnNoise ? 3 : 2));
  for (let l = 0; l < d; l++) t[l] = Math.log(h.lengthscales[l]);
  t[d] = Math.log(h.signalVariance);
  t[d + 1] = h.mean;
  if (learnNoise) t[d + 2] = Math.log(h.noiseVariance);
  return t;
}

function fromTheta(t: Float64Array, d: number, learnNoise: boolean): GpHyperparameters {
  const lengthscales = new Float64Array(d);
  for (let l = 0; l < d; l++) lengthscales[l] = Math.exp(t[l]);
  return { lengthscales, signalVariance: Math.exp(t[d]), mean: t[d + 1], noiseVariance: learnNoise ? Math.exp(t[d + 2]) : GP_PRIORS.fixedNoise };
}

/** MAP hyperparameters: the prior's mode and `randomStarts` random starts, best objective wins. */
export function fitHyperparameters(data: GpData, rng: Rng, options: GpFitOptions): GpHyperparameters {
  const { d } = data;
  const { learnNoise } = options;
  const objective = hyperObjective(data, learnNoise);
  const B = GP_PRIORS;
  const lower: number[] = [];
  const upper: number[] = [];
  for (let l = 0; l < d; l++) {
    lower.push(Math.log(B.lengthscaleBounds[0]));
    upper.push(Math.log(B.lengthscaleBounds[1]));
  }
  lower.push(Math.log(B.signalBounds[0]));
  upper.push(Math.log(B.signalBounds[1]));
  lower.push(B.meanBounds[0]);
  upper.push(B.meanBounds[1]);
  if (learnNoise) {
    lower.push(Math.log(B.noiseBounds[0]));
    upper.push(Math.log(B.noiseBounds[1]));
  }
  const starts: GpHyperparameters[] = [
    { lengthscales: new Float64Array(d).fill(0.5), signalVariance: 1, noiseVariance: 1e-2, mean: 0 },
  ];
  // above 100 observations each likelihood evaluation costs milliseconds (O(n³)): one random start fewer
  const randomStarts = options.randomStarts ?? (data.n > 100 ? 1 : 2);
  for (let s = 0; s < randomStarts; s++) {
    const lengthscales = new Float64Array(d);
    for (let l = 0; l < d; l++) lengthscales[l] = Math.exp(Math.log(0.1) + rng.uniform() * Math.log(20));
    starts.push({ lengthscales, signalVariance: Math.exp(rng.uniform() * 2 - 1), noiseVariance: Math.exp(-4 + rng.normal()), mean: 0 });
  }
  let best: { theta: Float64Array; f: number } | null = null;
  for (const start of starts) {
    const theta0 = toTheta(start, learnNoise).map((v, i) => Math.min(upper[i], Math.max(lower[i], v)));
    const result = lbfgsb(objective, theta0, { lower, upper, maxIterations: options.maxIterations ?? 200, relativeTolerance: 1e-9 });
    if (Number.isFinite(result.f) && (!best || result.f < best.f)) best = { theta: result.x, f: result.f };
  }
  // every start failing means a numerically singular kernel everywhere: the prior mode is still a model
  return best ? fromTheta(best.theta, d, learnNoise) : starts[0];
}

/** A GP conditioned on data with fixed hyperparameters: posterior mean and standard deviation, with gradients. */
export class GpPosterior {
  readonly jitter: number;
  private readonly l: Float64Array;
  private readonly lt: Float64Array;
  private readonly alpha: Float64Array;
  private readonly invL2: Float64Array;
  private readonly kx: Float64Array;
  private readonly v: Float64Array;
  private readonly dk: Float64Array;

  constructor(readonly data: GpData, readonly hyper: GpHyperparameters) {
    const { n, d } = data;
    this.invL2 = hyper.lengthscales.map((ls) => 1 / (ls * ls));
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      k[i * n + i] = hyper.signalVariance + hyper.noiseVariance;
      for (let j = 0; j < i; j++) {
        const kij = this.kernel(data.x, i * d, j * d);
        k[i * n + j] = kij;
        k[j * n + i] = kij;
      }
    }
    const chol = safeCholesky(k, n);
    if (!chol) throw new Error('kernel matrix is not positive definite even with jitter 1e-3');
    this.l = chol.l;
    this.lt = transpose(chol.l, n);
    this.jitter = chol.jitter;
    this.alpha = choleskySolve(chol.l, n, data.y.map((v) => v - hyper.mean));
    this.kx = new Float64Array(n);
    this.v = new Float64Array(n);
    this.dk = new Float64Array(n * d);
  }

  private kernel(x: ArrayLike<number>, a: number, b: number): number {
    const { d, categorical } = this.data;
    let r2 = 0;
    for (let l = 0; l < d; l++) {
      const diff = x[a + l] - x[b + l];
      r2 += (categorical[l] ? (diff === 0 ? 0 : 1) : diff * diff) * this.invL2[l];
    }
    const r = Math.sqrt(r2);
    return this.hyper.signalVariance * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
  }

  /**
   * Posterior of the latent function at x. With `gradMean`/`gradSd` given, writes ∂μ/∂x and ∂σ/∂x
   * (zero for categorical dimensions, which are not differentiable).
   */
  predict(x: ArrayLike<number>, gradMean?: Float64Array, gradSd?: Float64Array): { mean: number; sd: number } {
    const { n, d, categorical, x: xs } = this.data;
    const s2 = this.hyper.signalVariance;
    const { kx, v, dk, invL2, alpha } = this;
    const withGrad = gradMean !== undefined && gradSd !== undefined;
    let mean = this.hyper.mean;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let l = 0; l < d; l++) {
        const diff = x[l] - xs[i * d + l];
        r2 += (categorical[l] ? (diff === 0 ? 0 : 1) : diff * diff) * invL2[l];
      }
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      kx[i] = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      mean += kx[i] * alpha[i];
      if (withGrad) {
        // ∂k/∂x_l = −s²·(5/3)(1 + √5 r)e^{−√5 r}·(x_l − x_il)/ℓ_l²: no singularity at r = 0
        const c = -s2 * (5 / 3) * (1 + SQRT5 * r) * e;
        for (let l = 0; l < d; l++) dk[i * d + l] = categorical[l] ? 0 : c * (x[l] - xs[i * d + l]) * invL2[l];
      }
    }
    solveLower(this.l, n, kx, v);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += v[i] * v[i];
    const variance = Math.max(s2 - vv, 1e-12 * s2);
    const sd = Math.sqrt(variance);
    if (withGrad) {
      const w = solveUpper(this.lt, n, v, new Float64Array(n)); // K⁻¹k
      for (let l = 0; l < d; l++) {
        let gm = 0;
        let gv = 0;
        for (let i = 0; i < n; i++) {
          gm += alpha[i] * dk[i * d + l];
          gv += w[i] * dk[i * d + l];
        }
        gradMean[l] = gm;
        gradSd[l] = s2 - vv > 1e-12 * s2 ? -gv / sd : 0;
      }
    }
    return { mean, sd };
  }

  /** The same hyperparameters conditioned on extra points (kriging-believer fantasies). */
  withPoints(x: ArrayLike<number>[], y: number[]): GpPosterior {
    const { n, d } = this.data;
    const m = n + x.length;
    const xs = new Float64Array(m * d);
    xs.set(this.data.x);
    x.forEach((p, i) => xs.set(p, (n + i) * d));
    const ys = new Float64Array(m);
    ys.set(this.data.y);
    ys.set(y, n);
    return new GpPosterior({ ...this.data, x: xs, y: ys, n: m }, this.hyper);
  }
}
