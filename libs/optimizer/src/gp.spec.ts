import { fitHyperparameters, GpPosterior, hyperObjective, type GpData, type GpHyperparameters } from './gp';
import { Rng } from './rng';

const matern52 = (r: number) => (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);

function data(x: number[][], y: number[], categorical?: number[]): GpData {
  const d = x[0].length;
  return { x: Float64Array.from(x.flat()), y: Float64Array.from(y), n: x.length, d, categorical: Uint8Array.from(categorical ?? new Array(d).fill(0)) };
}
const hyper = (ls: number[], s2: number, noise: number, mean = 0): GpHyperparameters => ({
  lengthscales: Float64Array.from(ls), signalVariance: s2, noiseVariance: noise, mean,
});

describe('GP posterior against closed forms', () => {
  it('one observation: μ = c + k/(s²+σ²)·(y − c), σ² = s² − k²/(s²+σ²)', () => {
    const h = hyper([0.3, 0.7], 1.5, 1e-4, 0.2);
    const gp = new GpPosterior(data([[0.2, 0.4]], [1.3]), h);
    for (const x of [[0.2, 0.4], [0.5, 0.1], [0.9, 0.9]]) {
      const r = Math.hypot((x[0] - 0.2) / 0.3, (x[1] - 0.4) / 0.7);
      const k = 1.5 * matern52(r);
      const { mean, sd } = gp.predict(x);
      expect(mean).toBeCloseTo(0.2 + (k / (1.5 + 1e-4)) * (1.3 - 0.2), 12);
      expect(sd * sd).toBeCloseTo(1.5 - (k * k) / (1.5 + 1e-4), 10);
    }
  });

  it('two observations: μ = kᵀK⁻¹y with the explicit 2×2 inverse', () => {
    const h = hyper([0.5], 2, 0.01);
    const gp = new GpPosterior(data([[0.1], [0.6]], [-1, 2]), h);
    const k12 = 2 * matern52(0.5 / 0.5);
    const a = 2.01;
    const det = a * a - k12 * k12;
    const x = 0.35;
    const k1 = 2 * matern52(0.25 / 0.5);
    const k2 = 2 * matern52(0.25 / 0.5);
    const w1 = (a * k1 - k12 * k2) / det;
    const w2 = (a * k2 - k12 * k1) / det;
    const { mean, sd } = gp.predict([x]);
    expect(mean).toBeCloseTo(w1 * -1 + w2 * 2, 12);
    expect(sd * sd).toBeCloseTo(2 - (k1 * w1 + k2 * w2), 10);
  });

  it('interpolates noiseless data and reverts to the prior far away', () => {
    const gp = new GpPosterior(data([[0.1], [0.5], [0.9]], [1, -2, 0.5]), hyper([0.1], 1, 1e-8, 0.3));
    expect(gp.predict([0.5]).mean).toBeCloseTo(-2, 6);
    expect(gp.predict([0.5]).sd).toBeLessThan(1e-3);
    const far = gp.predict([30]);
    expect(far.mean).toBeCloseTo(0.3, 10);
    expect(far.sd).toBeCloseTo(1, 10);
  });

  it('a categorical input: the same level informs, another level counts as distance 1', () => {
    const gp = new GpPosterior(data([[0.5, 0], [0.5, 1]], [1, -1], [0, 1]), hyper([0.5, 0.5], 1, 1e-6));
    expect(gp.predict([0.5, 0]).mean).toBeCloseTo(1, 4);
    expect(gp.predict([0.5, 1]).mean).toBeCloseTo(-1, 4);
    // level 2 is unobserved: both points are at Hamming distance 1, so they cancel by symmetry
    expect(gp.predict([0.5, 2]).mean).toBeCloseTo(0, 10);
  });

  it('posterior gradients match finite differences', () => {
    const rng = new Rng(7);
    const pts = Array.from({ length: 12 }, () => [rng.uniform(), rng.uniform(), rng.uniform()]);
    const gp = new GpPosterior(data(pts, pts.map((p) => Math.sin(5 * p[0]) + p[1] * p[2])), hyper([0.3, 0.5, 0.8], 1.2, 1e-4, 0.1));
    const x = [0.31, 0.62, 0.47];
    const gm = new Float64Array(3);
    const gs = new Float64Array(3);
    gp.predict(x, gm, gs);
    for (let l = 0; l < 3; l++) {
      const up = [...x];
      const down = [...x];
      up[l] += 1e-6;
      down[l] -= 1e-6;
      expect(gm[l]).toBeCloseTo((gp.predict(up).mean - gp.predict(down).mean) / 2e-6, 5);
      expect(gs[l]).toBeCloseTo((gp.predict(up).sd - gp.predict(down).sd) / 2e-6, 5);
    }
  });

  it('fantasies: a point added at its predicted mean leaves the mean there and shrinks the variance', () => {
    const gp = new GpPosterior(data([[0.1], [0.9]], [0, 1]), hyper([0.3], 1, 1e-6));
    const before = gp.predict([0.5]);
    const after = gp.withPoints([[0.5]], [before.mean]).predict([0.5]);
    expect(after.mean).toBeCloseTo(before.mean, 6);
    expect(after.sd).toBeLessThan(0.01);
  });
});

describe('hyperparameter fit', () => {
  const rng = new Rng(3);
  const pts = Array.from({ length: 25 }, () => [rng.uniform(), rng.uniform()]);
  const y = pts.map((p) => Math.sin(6 * p[0]) + 0.01 * p[1]);
  const mean = y.reduce((a, b) => a + b) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / (y.length - 1));
  const d = data(pts, y.map((v) => (v - mean) / sd));

  it.each([false, true])('the analytic gradient matches finite differences (learned noise: %p)', (learnNoise) => {
    const f = hyperObjective(d, learnNoise);
    const theta = Float64Array.from(learnNoise ? [-1, 0.2, 0.1, 0.3, -3] : [-1, 0.2, 0.1, 0.3]);
    const g = new Float64Array(theta.length);
    f(theta, g);
    theta.forEach((_, i) => {
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[i] += 1e-6;
      down[i] -= 1e-6;
      const fd = (f(up, new Float64Array(theta.length)) - f(down, new Float64Array(theta.length))) / 2e-6;
      expect(Math.abs(g[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    });
  });

  it('finds the relevant input: a short length scale on x1, a long one on the nearly flat x2', () => {
    const h = fitHyperparameters(d, new Rng(1), { learnNoise: false });
    expect(h.lengthscales[0]).toBeLessThan(0.6);
    expect(h.lengthscales[1]).toBeGreaterThan(2 * h.lengthscales[0]);
  });

  it('is deterministic for a given random stream', () => {
    const a = fitHyperparameters(d, new Rng(5), { learnNoise: true });
    const b = fitHyperparameters(d, new Rng(5), { learnNoise: true });
    expect(a).toEqual(b);
  });
});
