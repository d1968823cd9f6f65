/**
 * Benchmark deck: the standard test functions of Bayesian optimisation as a simulated instrument, so
 * optimizer campaigns can run end to end (`deck.bench_functions.branin`, ...). All are minimised.
 * The plain functions are exported too, for `bench/optimizer.ts`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Every call appends one line here when it starts (`IVORYOS_SIM_CALL_LOG`), so tests can count calls. */
const SIM_CALL_LOG = process.env['IVORYOS_SIM_CALL_LOG'] || 'ivoryos_data/sim-calls.log';

let logDirReady = false;
function recordCall(method: string, args: Record<string, unknown>): void {
  if (!logDirReady) {
    mkdirSync(dirname(SIM_CALL_LOG), { recursive: true });
    logDirReady = true;
  }
  appendFileSync(SIM_CALL_LOG, `${new Date().toISOString()} bench_functions ${method} ${JSON.stringify(args)}\n`);
}

/** Branin on x1 ∈ [−5, 10], x2 ∈ [0, 15]; minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
export function branin([x1, x2]: number[]): number {
  return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann-6 on [0, 1]⁶; minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573); a local optimum near −3.20. */
export function hartmann6(x: number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += A[i][j] * (x[j] - P[i][j]) ** 2;
    s += ALPHA[i] * Math.exp(-inner);
  }
  return -s;
}

/** Seeded Gaussian noise (mulberry32 + Box–Muller) so noisy runs repeat. */
class NoiseSource {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  private uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** The test functions as an instrument: each call returns the value at once (no simulated delay). */
export class BenchmarkFunctions {
  private readonly noise = new NoiseSource(12345);

  /** Branin(x1, x2), x1 in [-5, 10], x2 in [0, 15]. */
  branin(x1: number, x2: number): number {
    recordCall('branin', { x1, x2 });
    return branin([x1, x2]);
  }

  /** Branin plus Gaussian noise of standard deviation `noise_sd`. */
  noisy_branin(x1: number, x2: number, noise_sd = 1): number {
    recordCall('noisy_branin', { x1, x2, noise_sd });
    return branin([x1, x2]) + noise_sd * this.noise.normal();
  }

  /** Hartmann-6 on the unit cube. */
  hartmann6(x1: number, x2: number, x3: number, x4: number, x5: number, x6: number): number {
    recordCall('hartmann6', { x1, x2, x3, x4, x5, x6 });
    return hartmann6([x1, x2, x3, x4, x5, x6]);
  }

  /** Hartmann-6 plus Gaussian noise of standard deviation `noise_sd`. */
  noisy_hartmann6(x1: number, x2: number, x3: number, x4: number, x5: number, x6: number, noise_sd = 0.05): number {
    recordCall('noisy_hartmann6', { x1, x2, x3, x4, x5, x6, noise_sd });
    return hartmann6([x1, x2, x3, x4, x5, x6]) + noise_sd * this.noise.normal();
  }
}

// ---- Hardware on this deck ----
export const bench_functions = new BenchmarkFunctions();
