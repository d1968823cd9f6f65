/**
 * Resident memory of the BUILT gateway and deck agent, the figures the Kubernetes requests and
 * limits are sized from (k8s/, docs/operations.md "Sizing"): RSS after start (idle), then the
 * peak (the kernel's VmHWM) while RUNS runs of STEPS no-op steps execute one after another with
 * VIEWERS live views (SSE) open and the run record read back after each run.
 *
 *   node tools/build.mjs && npx tsx bench/memory.ts      (STEPS=1000 RUNS=3 VIEWERS=10)
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { load, machine, type ManagedProcess, sleep, Stack } from './lib/stack';

const STEPS = Number(process.env['STEPS'] ?? 1000);
const RUNS = Number(process.env['RUNS'] ?? 3);
const VIEWERS = Number(process.env['VIEWERS'] ?? 10);

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function memory(p: ManagedProcess): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** An open SSE stream on the run's live view, counting bytes until closed. */
function view(stack: Stack, runId: string): () => void {
  const url = new URL(`/api/runs/${runId}/events`, stack.api.base);
  const req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { authorization: `Bearer ${stack.api.token}`, accept: 'text/event-stream' } }, (res) => {
    res.on('data', () => undefined);
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  return () => req.destroy();
}

async function main(): Promise<void> {
  const stack = await new Stack().start();
  try {
    const noop = (id: number) => ({ id, uuid: 10_000 + id, instrument: 'deck.bench', action: 'noop', args: { x: id }, arg_types: { x: 'float' }, return: '' });
    await stack.api.expect(201, 'POST', '/api/workflows', {
      name: 'bench_memory', deck: stack.deck, script_dict: { prep: [], script: Array.from({ length: STEPS }, (_, i) => noop(i + 1)), cleanup: [] },
    });
    const { gateway, agent } = stack;
    if (!gateway || !agent) throw new Error('the stack did not start both processes');
    await sleep(5000);
    const idle = { gateway: memory(gateway), agent: memory(agent) };
    for (let r = 0; r < RUNS; r++) {
      const { id } = await stack.api.expect<{ id: string }>(201, 'POST', '/api/runs', { workflow: 'bench_memory', onError: 'stop' });
      const viewers = Array.from({ length: VIEWERS }, () => view(stack, id));
      for (;;) {
        const run = await stack.api.expect<{ status: string }>(200, 'GET', `/api/runs/${id}`);
        if (['completed', 'failed', 'stopped'].includes(run.status)) {
          if (run.status !== 'completed') throw new Error(`run ${id} ${run.status}`);
          break;
        }
        await sleep(500);
      }
      viewers.forEach((close) => close());
    }
    const after = { gateway: memory(gateway), agent: memory(agent) };
    const mib = (n: number) => `${n.toFixed(0)} MiB`;
    console.log(`${machine()}, load ${load()}; ${RUNS} runs x ${STEPS} steps, ${VIEWERS} live views each`);
    for (const role of ['gateway', 'agent'] as const) {
      console.log(`${role}: idle RSS ${mib(idle[role].rss)}, peak RSS ${mib(after[role].peak)}, RSS after ${mib(after[role].rss)}`);
    }
  } finally {
    await stack.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
