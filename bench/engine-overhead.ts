/**
 * Interpreter overhead per step: no-op steps through a fake invoker, with every event serialised to JSON
 * (as the agent's journal would) and a checkpoint after every step. Prints the median of several runs.
 *
 *   npx tsx bench/engine-overhead.ts            (RUNS=9 STEPS=10000 to change the defaults;
 *                                                NODE_OPTIONS=--expose-gc adds retained-memory figures)
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import type { EventEnvelope, WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';
import { WorkflowInterpreter, type Clock } from '@ivoryos/workflow';

const STEPS = Number(process.env.STEPS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 9);

const noop = (id: number): WorkflowAction => ({
  id, uuid: id, instrument: 'deck.bench', action: 'noop', args: { x: 1, label: 'sample #sample' }, arg_types: { x: 'float', label: 'str' }, return: 'out',
});

function workflow(script: WorkflowAction[]): WorkflowDocument {
  return {
    name: 'bench', deck: 'bench', status: 'editing', author: 'bench',
    script_dict: { prep: [], script: script.map((a, i) => ({ ...a, id: i + 1 })), cleanup: [] },
    id_order: { prep: [], script: [], cleanup: [] },
  };
}

/** A no-op step is ~all interpreter: the fake invoker returns at once. */
const invoker = { invoke: async () => 1 };
/** No real time passes in waits; the clock still stamps events. */
const clock: Clock = { now: () => Date.now(), sleep: async () => undefined };

interface Scenario {
  name: string;
  doc: WorkflowDocument;
  plan: { repeat?: number; parameters?: { sample: string }[]; batchSize?: number };
  /** Instrument steps the scenario makes. */
  steps: number;
}

const perPhase = 100;
const loopMarker = (instrument: 'while', action: string, statement?: string): WorkflowAction => ({
  id: 0, uuid: 'loop', instrument, action, args: statement ? { statement, max_iterations: STEPS + 1 } : {}, return: '',
});
const scenarios: Scenario[] = [
  { name: `${STEPS} steps in one phase`, doc: workflow(Array.from({ length: STEPS }, (_, i) => noop(i + 1))), plan: { parameters: [{ sample: 'A1' }] }, steps: STEPS },
  {
    name: `${perPhase} steps x ${STEPS / perPhase} iterations`, doc: workflow(Array.from({ length: perPhase }, (_, i) => noop(i + 1))),
    plan: { parameters: Array.from({ length: STEPS / perPhase }, (_, i) => ({ sample: `S${i}` })) }, steps: STEPS,
  },
  {
    name: `while loop, ${STEPS} passes (condition + step + math)`,
    doc: workflow([
      { id: 0, uuid: 'v', instrument: 'variable', action: 'i', args: { statement: 0 }, arg_types: { statement: 'int' }, return: '' },
      loopMarker('while', 'while', `i < ${STEPS}`),
      noop(0),
      { id: 0, uuid: 'm', instrument: 'math_variable', action: 'i', args: { statement: 'i + 1' }, arg_types: { statement: 'int' }, return: '' },
      loopMarker('while', 'endwhile'),
    ]),
    plan: { parameters: [{ sample: 'A1' }] }, steps: STEPS,
  },
  {
    name: `batch of 4 samples, ${STEPS / 4} steps`, doc: workflow(Array.from({ length: STEPS / 4 }, (_, i) => noop(i + 1))),
    plan: { parameters: Array.from({ length: 4 }, (_, i) => ({ sample: `B${i}` })), batchSize: 4 }, steps: STEPS,
  },
];

interface Measure {
  us: number;
  events: number;
  bytes: number;
}

async function runOnce(scenario: Scenario, journal: boolean): Promise<Measure> {
  let events = 0;
  let bytes = 0;
  const interpreter = new WorkflowInterpreter({
    runId: 'bench', deck: 'bench', workflow: scenario.doc, plan: scenario.plan, invoker, clock,
    emitCheckpoints: journal,
    onEvent: journal
      ? (envelope: EventEnvelope) => {
          events += 1;
          bytes += JSON.stringify(envelope).length;
        }
      : () => {
          events += 1;
        },
  });
  const start = performance.now();
  const outcome = await interpreter.run();
  const us = ((performance.now() - start) * 1000) / scenario.steps;
  if (outcome.status !== 'completed') throw new Error(`${scenario.name}: ${outcome.status}`);
  return { us, events, bytes };
}

/** Heap a run needs while it runs (sampled every 1000 events) and what its interpreter keeps afterwards. */
async function retainedBytes(scenario: Scenario): Promise<{ peak: number; kept: number }> {
  const collect = gc as () => void;
  collect();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let events = 0;
  const interpreter = new WorkflowInterpreter({
    runId: 'bench', deck: 'bench', workflow: scenario.doc, plan: scenario.plan, invoker, clock,
    onEvent: (envelope: EventEnvelope) => {
      JSON.stringify(envelope);
      if (++events % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    },
  });
  await interpreter.run();
  collect();
  const kept = process.memoryUsage().heapUsed - base;
  // Keeps the interpreter reachable until after the measurement.
  if (interpreter.status !== 'completed') throw new Error('retained-memory run did not complete');
  return { peak, kept };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}; ${RUNS} runs per row, median reported`);
  const rssStart = process.memoryUsage().rss;
  let heapPeak = 0;
  const rows: string[] = [];
  for (const scenario of scenarios) {
    for (const journal of [true, false]) {
      await runOnce(scenario, journal); // warm-up: JIT and caches
      const runs: Measure[] = [];
      for (let i = 0; i < RUNS; i++) {
        gc?.();
        runs.push(await runOnce(scenario, journal));
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
      const us = runs.map((r) => r.us);
      rows.push(`| ${scenario.name} | ${journal ? 'on' : 'off'} | ${median(us).toFixed(2)} | ${Math.min(...us).toFixed(2)} – ${Math.max(...us).toFixed(2)} | ` +
        `${(runs[0].events / scenario.steps).toFixed(1)} | ${journal ? Math.round(runs[0].bytes / scenario.steps) : '-'} |`);
    }
  }
  const retained = gc ? await retainedBytes(scenarios[0]) : null;
  gc?.();
  const memory = process.memoryUsage();
  console.log('');
  console.log('| scenario | events + checkpoint JSON | µs/step (median) | min – max | events/step | JSON bytes/step |');
  console.log('|---|---|---|---|---|---|');
  rows.forEach((row) => console.log(row));
  console.log('');
  console.log(`memory: RSS ${mb(rssStart)} MB at start, ${mb(memory.rss)} MB at end; heap used peak ${mb(heapPeak)} MB, ` +
    `${mb(memory.heapUsed)} MB at end${gc ? ' (after gc)' : ''}`);
  if (retained) {
    console.log(`one ${scenarios[0].name} run: ${mb(retained.peak)} MB heap above baseline at its peak, ` +
      `${mb(retained.kept)} MB kept by the finished interpreter (parsed workflow, caches, state)`);
  } else {
    console.log('(run with NODE_OPTIONS=--expose-gc for retained-memory figures)');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
