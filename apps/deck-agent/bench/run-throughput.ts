/**
 * Run events through the real agent: a run of STEPS `deck.bench.noop` steps (a `repeat` block, or
 * STEPS iterations of run mode repeat) is handed over as a `run.accept` job; every event is journaled,
 * then XADDed to the deck's stream, where this script reads it back. Prints events per second from
 * Queue.add to the final event on the stream, the median of RUNS runs.
 *
 *   npm run build && npx tsx apps/deck-agent/bench/run-throughput.ts    (the agent runs from dist/)
 *   (STEPS=1000 RUNS=3 FSYNC=true REDIS_URL=redis://127.0.0.1:6379 to change the defaults)
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { STREAM_FIELD, streamKeys, type AgentMessage, type WorkflowDocument } from '@ivoryos/contracts';
import { block, RunRig, step, workflow } from '../src/testing/run-rig';

const STEPS = Number(process.env['STEPS'] ?? 1000);
const RUNS = Number(process.env['RUNS'] ?? 3);
const FSYNC = process.env['FSYNC'] === 'true';

interface Measure {
  events: number;
  ms: number;
}

async function measure(rig: RunRig, wf: WorkflowDocument, repeat: number): Promise<Measure> {
  const key = streamKeys.events(rig.deck);
  const newest = await rig.redis.xrevrange(key, '+', '-', 'COUNT', 1);
  let cursor = newest[0]?.[0] ?? '0';
  const job = rig.job(wf, { repeat });
  const began = performance.now();
  await rig.accept(job);
  let events = 0;
  let final = false;
  for (;;) {
    const read = (await rig.redis.xread('COUNT', 1000, 'BLOCK', 5000, 'STREAMS', key, cursor)) ?? [];
    for (const [, entries] of read) {
      for (const [id, fields] of entries) {
        cursor = id;
        const message = JSON.parse(fields[fields.indexOf(STREAM_FIELD) + 1] ?? 'null') as AgentMessage;
        if (message.kind !== 'run-event' || message.envelope.runId !== job.runId) continue;
        events++;
        const e = message.envelope.event;
        // The final checkpoint follows the final status: the run's last event.
        if (e.type === 'checkpoint' && final) return { events, ms: performance.now() - began };
        final = e.type === 'run.status' && e.status === 'completed';
      }
    }
    if (!read.length) throw new Error(`no events for 5 s (${events} so far)`);
  }
}
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const rig = new RunRig(process.env['REDIS_URL']);
  try {
    await rig.start({ env: { IVORYOS_SIM_CALL_LOG: rig.calls, LOG_LEVEL: 'info', IVORYOS_JOURNAL_FSYNC: String(FSYNC) } });
    const noop = step('deck.bench', 'noop', { x: 1 });
    const shapes: [string, WorkflowDocument, number][] = [
      [`repeat block of ${STEPS} steps`, workflow(block('repeat', STEPS, [noop])), 1],
      [`${STEPS} iterations of one step`, workflow([noop]), STEPS],
    ];
    console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, journal fsync ${FSYNC}`);
    for (const [label, wf, repeat] of shapes) {
      await measure(rig, wf, repeat); // warm-up
      const results: Measure[] = [];
      for (let i = 0; i < RUNS; i++) results.push(await measure(rig, wf, repeat));
      const ms = median(results.map((r) => r.ms));
      const events = results[0]?.events ?? 0;
      console.log(`${label}: ${events} events in ${ms.toFixed(0)} ms (median of ${RUNS}) = ${Math.round(events / (ms / 1000))} events/s, ${(ms / STEPS).toFixed(3)} ms/step`);
    }
  } finally {
    await rig.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
