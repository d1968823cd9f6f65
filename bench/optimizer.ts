/**
 * The built-in optimizer on the standard test functions: best value after the reference budgets over
 * 10 seeds (mean ± sample sd, median, range, stalls), and the time per suggestion.
 *
 *   npx tsx bench/optimizer.ts                 (SEEDS=10; ONLY=branin|hartmann6|noisy|timing to run one part)
 *
 * Budgets as the anchors in docs/benchmarks.md: Branin 5 Sobol + 25 model trials, Hartmann6 10 + 50.
 * "Stalled" counts Hartmann6 seeds that end above −3.25 (the −3.20 local optimum).
 * Times are given as wall clock and as this process's CPU time: on a shared machine the CPU time is
 * what the optimizer costs, the wall clock what a caller waited.
 */
import { performance } from 'node:perf_hooks';
import { suggest, type OptimizerConfig, type TrialRecord } from '@ivoryos/optimizer';
import { branin, hartmann6 } from '../examples/decks/benchmarks';

const SEEDS = Number(process.env.SEEDS ?? 10);
const ONLY = process.env.ONLY;

const space6 = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`x${i}`, { min: 0, max: 1 }]));
const xs = (p: Record<string, unknown>, n: number) => Array.from({ length: n }, (_, i) => p[`x${i + 1}`] as number);

interface Problem {
  name: string;
  config: OptimizerConfig;
  total: number;
  f: (x: number[]) => number;
  /** The noise-free value, for noisy problems. */
  truth?: (x: number[]) => number;
  d: number;
  stall?: number;
}

/** A seeded uniform stream (mulberry32), independent of the optimizer's streams. */
function uniform(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return u;
}

/** Seeded Gaussian noise for the noisy variant. */
function noise(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const PROBLEMS: Problem[] = [
  {
    name: 'branin',
    config: { parameters: { x1: { min: -5, max: 10 }, x2: { min: 0, max: 15 } }, objectives: [{ output: 'y', direction: 'min' }], initial: 5, noise: 'deterministic' },
    total: 30, f: branin, d: 2,
  },
  {
    name: 'hartmann6',
    config: { parameters: space6, objectives: [{ output: 'y', direction: 'min' }], initial: 10, noise: 'deterministic' },
    total: 60, f: hartmann6, d: 6, stall: -3.25,
  },
  {
    name: 'noisy',
    config: { parameters: space6, objectives: [{ output: 'y', direction: 'min' }], initial: 10, noise: 'learned' },
    total: 60, f: hartmann6, truth: hartmann6, d: 6, stall: -3.25,
  },
];

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function run(problem: Problem, seed: number) {
  const trials: TrialRecord[] = [];
  const times: number[] = [];
  const cpu: number[] = [];
  const eps = noise(seed + 1000);
  const truths: number[] = [];
  while (trials.length < problem.total) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const [s] = suggest(problem.config, trials, seed);
    if (s.suggestedBy === 'model') {
      times.push(performance.now() - started);
      cpu.push(cpuMs(process.cpuUsage(cpuStart)));
    }
    const x = xs(s.parameters, problem.d);
    const y = problem.truth ? problem.f(x) + 0.05 * eps() : problem.f(x);
    truths.push(problem.truth ? problem.truth(x) : y);
    trials.push({ parameters: s.parameters, status: 'completed', outputs: { y }, suggestedBy: s.suggestedBy });
  }
  // for the noisy variant, the true value at the trial the optimizer would report (its best observation)
  const ys = trials.map((t) => t.outputs?.y as number);
  const reported = ys.indexOf(Math.min(...ys));
  return { best: problem.truth ? truths[reported] : Math.min(...truths), times, cpu };
}

function quality(problem: Problem): void {
  const bests: number[] = [];
  const times: number[] = [];
  const cpu: number[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    const r = run(problem, seed);
    bests.push(r.best);
    times.push(...r.times);
    cpu.push(...r.cpu);
    console.log(`  ${problem.name} seed ${seed}: best ${r.best.toFixed(4)}, ${mean(r.times).toFixed(0)} ms/suggestion`);
  }
  const { stall } = problem;
  const stalls = stall === undefined ? '' : `, stalled (> ${stall}) ${bests.filter((b) => b > stall).length}/${SEEDS}`;
  console.log(
    `${problem.name}: best ${mean(bests).toFixed(4)} ± ${sd(bests).toFixed(4)}, median ${median(bests).toFixed(4)}, ` +
      `range ${Math.min(...bests).toFixed(4)} to ${Math.max(...bests).toFixed(4)}${stalls}; ` +
      `time per model suggestion: wall mean ${mean(times).toFixed(0)} ms, median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; ` +
      `CPU mean ${mean(cpu).toFixed(0)} ms, median ${median(cpu).toFixed(0)} ms`,
  );
}

/** Full suggest() (fit + acquisition) on random 6-D Hartmann data of n trials: median of several calls. */
function timing(): void {
  const config: OptimizerConfig = { parameters: space6, objectives: [{ output: 'y', direction: 'min' }], initial: 10 };
  const rnd = uniform(42);
  for (const n of [60, 200]) {
    const trials: TrialRecord[] = Array.from({ length: n }, () => {
      const x = Array.from({ length: 6 }, rnd);
      const parameters = Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v]));
      return { parameters, status: 'completed', outputs: { y: hartmann6(x) }, suggestedBy: 'model' };
    });
    for (const q of [1, 4]) {
      const ms: number[] = [];
      const cpu: number[] = [];
      const repeats = n === 60 ? 9 : 5;
      suggest(config, trials, 100, q); // warm-up (JIT)
      for (let r = 0; r < repeats; r++) {
        const started = performance.now();
        const cpuStart = process.cpuUsage();
        suggest(config, trials, r, q);
        ms.push(performance.now() - started);
        cpu.push(cpuMs(process.cpuUsage(cpuStart)));
      }
      console.log(
        `timing: 6-D, ${n} trials, batch ${q}: wall median ${median(ms).toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}); ` +
          `CPU median ${median(cpu).toFixed(0)} ms (min ${Math.min(...cpu).toFixed(0)})`,
      );
    }
  }
}

for (const p of PROBLEMS) if (!ONLY || ONLY === p.name) quality(p);
if (!ONLY || ONLY === 'timing') timing();
