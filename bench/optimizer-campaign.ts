/**
 * An optimizer campaign through the HTTP API against the BUILT gateway and a real deck agent on the
 * benchmark deck (examples/decks/benchmarks.ts): 30-trial Branin campaigns (5 Sobol + 25 model trials),
 * one per seed. Per trial: the run's wall time (started → ended, as recorded) divided by the trials, and
 * what of it is not the driver call (the overhead: suggestion, events, records), split into the
 * suggestion's own time (fitMs, computed in the agent's worker thread) and the rest.
 *
 *   node tools/build.mjs && npx tsx bench/optimizer-campaign.ts      (SEEDS=1,2,3 TRIALS=30)
 */
import { load, machine, median, sleep, Stack } from './lib/stack';

const SEEDS = (process.env['SEEDS'] ?? '1,2,3').split(',').map(Number);
const TRIALS = Number(process.env['TRIALS'] ?? 30);

interface RunRecord {
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  phases: Array<{ name: string; steps: Array<{ methodName: string; startedAt: string; endedAt: string }> }>;
}
interface Trials {
  items: Array<{ fitMs: number | null; suggestedBy: string }>;
  best: { index: number; outputs: { y: number } };
}

async function campaign(stack: Stack, seed: number) {
  const { id } = await stack.api.expect<{ id: string }>(201, 'POST', '/api/runs', {
    workflow: 'branin',
    optimizer: {
      objectives: [{ output: 'y', direction: 'min' }], parameters: { x1: { min: -5, max: 10 }, x2: { min: 0, max: 15 } },
      budget: TRIALS, initial: 5, seed, noise: 'deterministic',
    },
  });
  let run: RunRecord;
  for (;;) {
    run = await stack.api.expect<RunRecord>(200, 'GET', `/api/runs/${id}`);
    if (['completed', 'failed', 'stopped'].includes(run.status) && run.endedAt) break;
    await sleep(200);
  }
  if (run.status !== 'completed') throw new Error(`run ${id} ended ${run.status}`);
  const trials = await stack.api.expect<Trials>(200, 'GET', `/api/runs/${id}/trials`);
  const wall = Date.parse(run.endedAt ?? '') - Date.parse(run.startedAt ?? '');
  const calls = run.phases.flatMap((p) => p.steps).filter((s) => s.methodName === 'branin');
  const driver = calls.reduce((t, s) => t + Date.parse(s.endedAt) - Date.parse(s.startedAt), 0);
  const fit = trials.items.reduce((t, i) => t + (i.fitMs ?? 0), 0);
  const n = trials.items.length;
  return { seed, n, best: trials.best.outputs.y, perTrial: wall / n, overhead: (wall - driver) / n, fit: fit / n, rest: (wall - driver - fit) / n };
}

async function main(): Promise<void> {
  const stack = await new Stack({ deckFile: 'examples/decks/benchmarks.ts' }).start();
  try {
    console.log(`${machine()}; load ${load()}`);
    const action = { id: 1, uuid: 101, instrument: 'deck.bench_functions', action: 'branin', args: { x1: '#x1', x2: '#x2' }, arg_types: { x1: 'float', x2: 'float' }, return: 'y' };
    await stack.api.expect(201, 'POST', '/api/workflows', { name: 'branin', deck: stack.deck, script_dict: { prep: [], script: [action], cleanup: [] } });
    await campaign(stack, 0); // warm-up (worker thread, JIT)
    const rows: Array<Awaited<ReturnType<typeof campaign>>> = [];
    for (const seed of SEEDS) {
      const loadBefore = load().split(' ')[0];
      const r = await campaign(stack, seed);
      rows.push(r);
      console.log(`seed ${seed}: ${r.n} trials, best ${r.best.toFixed(4)}; per trial ${r.perTrial.toFixed(1)} ms, overhead ${r.overhead.toFixed(1)} ms `
        + `(suggestion ${r.fit.toFixed(1)} ms, the rest ${r.rest.toFixed(1)} ms); load ${loadBefore}`);
    }
    const med = (k: 'overhead' | 'fit' | 'rest' | 'perTrial') => median(rows.map((r) => r[k])).toFixed(1);
    console.log('');
    console.log('| per trial (median of the seeds) | ms |');
    console.log('|---|---|');
    console.log(`| wall time | ${med('perTrial')} |`);
    console.log(`| overhead (everything but the driver call) | ${med('overhead')} |`);
    console.log(`| of which the suggestion (fit + acquisition, worker thread) | ${med('fit')} |`);
    console.log(`| of which events, journal, records, iteration bookkeeping | ${med('rest')} |`);
    console.log(`(load now ${load()})`);
  } finally {
    await stack.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
