import { lbfgsb } from './lbfgsb';

const rosenbrock = (x: Float64Array, g: Float64Array) => {
  const [a, b] = x;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe('lbfgsb', () => {
  it('finds the Rosenbrock minimum at (1, 1) from (−1.2, 1)', () => {
    const r = lbfgsb(rosenbrock, [-1.2, 1], { lower: [-5, -5], upper: [5, 5], maxIterations: 500, relativeTolerance: 0 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.f).toBeLessThan(1e-10);
  });

  it('stops at an active bound: Rosenbrock with x ≤ 0.5 has its minimum at (0.5, 0.25)', () => {
    const r = lbfgsb(rosenbrock, [-1.2, 1], { lower: [-5, -5], upper: [0.5, 5], maxIterations: 500, relativeTolerance: 0 });
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 6);
  });

  it('minimises a 10-D ill-conditioned quadratic with some coordinates clamped', () => {
    // f = Σ cᵢ (xᵢ − tᵢ)², targets outside [0, 1] for some coordinates
    const c = Array.from({ length: 10 }, (_, i) => 10 ** (i / 3));
    const t = [0.2, -1, 0.5, 2, 0.9, 0.1, -0.3, 0.7, 1.5, 0.4];
    const f = (x: Float64Array, g: Float64Array) => {
      let s = 0;
      for (let i = 0; i < 10; i++) {
        s += c[i] * (x[i] - t[i]) ** 2;
        g[i] = 2 * c[i] * (x[i] - t[i]);
      }
      return s;
    };
    const r = lbfgsb(f, new Float64Array(10).fill(0.5), { lower: new Float64Array(10), upper: new Float64Array(10).fill(1), maxIterations: 200, relativeTolerance: 0 });
    t.forEach((ti, i) => expect(r.x[i]).toBeCloseTo(Math.min(1, Math.max(0, ti)), 6));
    expect(r.converged).toBe(true);
  });

  it('keeps every iterate inside a feasible region (x + y ≤ 1)', () => {
    const seen: number[][] = [];
    const f = (x: Float64Array, g: Float64Array) => {
      seen.push([x[0], x[1]]);
      g[0] = 2 * (x[0] - 2);
      g[1] = 2 * (x[1] - 2);
      return (x[0] - 2) ** 2 + (x[1] - 2) ** 2;
    };
    const r = lbfgsb(f, [0, 0], { lower: [0, 0], upper: [3, 3], feasible: (x) => x[0] + x[1] <= 1 });
    for (const [a, b] of seen) expect(a + b).toBeLessThanOrEqual(1 + 1e-12);
    expect(r.x[0] + r.x[1]).toBeGreaterThan(0.99);
  });

  it('returns at once when the start is not a finite point', () => {
    const r = lbfgsb(() => NaN, [0], { lower: [-1], upper: [1] });
    expect(r.iterations).toBe(0);
    expect(r.converged).toBe(false);
  });
});
