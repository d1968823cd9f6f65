/**
 * Python decks: (1) the bridge round trip of a no-op call as the agent times it (the agent's own
 * PythonBridge client, no Redis or HTTP), with the bridge's RSS and its start times; (2) direct calls end to
 * end on a Python deck and on the TypeScript deck, interleaved A/B against one gateway (the built apps,
 * PostgreSQL, a private redis-server); (3) start of a Python deck's agent to online.
 *
 *   node tools/build.mjs && npx tsx bench/python-bridge.ts
 *   (CALLS=2000 WARMUP=200 AB_ROUNDS=5 AB_CALLS=200 to change the defaults; E2E=0 measures the bridge only)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST, load, machine, ManagedProcess, quantile, Stack, type Api } from './lib/stack';

const CALLS = Number(process.env['CALLS'] ?? 2000);
const WARMUP = Number(process.env['WARMUP'] ?? 200);
const AB_ROUNDS = Number(process.env['AB_ROUNDS'] ?? 5);
const AB_CALLS = Number(process.env['AB_CALLS'] ?? 200);
const PY_DECK_FILE = 'examples/decks/python/abstract_sdl_py.py';
const E2E = process.env['E2E'] !== '0';

interface BridgeModule {
  PythonBridge: new (options: {
    python: string; deckFile: string; entry: 'auto'; deckArgs: string[]; env: NodeJS.ProcessEnv; onOutput: () => void;
  }) => {
    start(): Promise<{ pid: number; helloMs: number; readyMs: number; loadMs: number; python: { version: string } }>;
    call(instrument: string, action: string, kwargs: Record<string, unknown>): Promise<{ ok: boolean }>;
    stop(graceS?: number): Promise<unknown>;
  };
}

const fmt = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99) };
};

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : Number.NaN;
}

async function bridgeRoundTrip(): Promise<void> {
  const { PythonBridge } = require(join(DIST, 'apps/deck-agent/src/python/python-bridge.js')) as BridgeModule;
  const { resolvePython } = require(join(DIST, 'apps/deck-agent/src/python/python-interpreter.js')) as {
    resolvePython: (deckFile: string, choice: object) => { executable: string; source: string };
  };
  // The interpreter the agent would pick (the probed sys.executable, never a pyenv shim).
  const python = resolvePython(PY_DECK_FILE, { IVORYOS_PYTHON: process.env['IVORYOS_PYTHON'] });
  const bridge = new PythonBridge({
    python: python.executable, deckFile: join(process.cwd(), PY_DECK_FILE), entry: 'auto', deckArgs: [],
    env: { ...process.env, IVORYOS_SIM_DELAY_MS: '0' }, onOutput: () => undefined,
  });
  const started = await bridge.start();
  const rssReady = rssMiB(started.pid);
  for (let i = 0; i < WARMUP; i++) await bridge.call('deck.bench', 'noop', { x: i });
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    const answer = await bridge.call('deck.bench', 'noop', { x: i });
    ms.push(performance.now() - t0);
    if (!answer.ok) throw new Error(`noop failed: ${JSON.stringify(answer)}`);
  }
  const rssAfter = rssMiB(started.pid);
  await bridge.stop(1);
  const s = stats(ms);
  console.log(`bridge round trip, deck.bench.noop, ${CALLS} sequential after ${WARMUP} warm-up (Python ${started.python.version}, ${python.executable}):`);
  console.log(`  p50 ${fmt(s.p50)} ms  p95 ${fmt(s.p95)} ms  p99 ${fmt(s.p99)} ms`);
  console.log(`  spawn -> hello ${fmt(started.helloMs, 0)} ms, spawn -> ready ${fmt(started.readyMs, 0)} ms (deck import + introspection ${fmt(started.loadMs, 1)} ms)`);
  console.log(`  bridge RSS ${fmt(rssReady, 1)} MiB at ready, ${fmt(rssAfter, 1)} MiB after ${CALLS + WARMUP} calls`);
}

async function noop(api: Api, deck: string, x: number): Promise<number> {
  const t0 = performance.now();
  const res = await api.request<{ success: boolean; output: unknown }>('POST', `/api/decks/${deck}/instruments/deck.bench/noop`, { x });
  const ms = performance.now() - t0;
  if (res.status !== 200 || !res.body.success || res.body.output !== x) throw new Error(`${deck} noop: ${res.status} ${JSON.stringify(res.body)}`);
  return ms;
}

async function endToEnd(): Promise<void> {
  const stack = await new Stack().start();
  let py: ManagedProcess | undefined;
  try {
    const pyDeck = `${stack.deck}_py`;
    const began = performance.now();
    py = new ManagedProcess('python-agent', process.execPath, [join(DIST, 'apps/deck-agent/src/cli.js'), PY_DECK_FILE, '--name', pyDeck], {
      ...process.env, REDIS_URL: stack.redisUrl, IVORYOS_DATA_DIR: join(stack.tmp, 'py-agent-data'), IVORYOS_SIM_DELAY_MS: '0', IVORYOS_HEARTBEAT_MS: '1000', LOG_LEVEL: 'warn',
    });
    for (;;) {
      const res = await stack.api.request<{ online?: boolean }>('GET', `/api/decks/${pyDeck}`);
      if (res.status === 200 && res.body.online) break;
      if (py.exited) throw new Error(`python agent exited: ${py.output()}`);
      if (performance.now() - began > 120_000) throw new Error('python deck not online within 120 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(`python deck agent: start to online ${fmt(performance.now() - began, 0)} ms (agent process start, interpreter, bridge, import, registration, first heartbeat; polled every 20 ms)`);
    const decks = { ts: stack.deck, py: pyDeck };
    for (const deck of Object.values(decks)) for (let i = 0; i < 100; i++) await noop(stack.api, deck, i);
    const samples: Record<'ts' | 'py', number[]> = { ts: [], py: [] };
    const rounds: string[] = [];
    for (let round = 0; round < AB_ROUNDS; round++) {
      const inRound: Record<'ts' | 'py', number[]> = { ts: [], py: [] };
      for (let i = 0; i < AB_CALLS; i++) {
        // Interleaved, and the order within each pair alternates, so drift hits both alike.
        const order: ('ts' | 'py')[] = i % 2 ? ['ts', 'py'] : ['py', 'ts'];
        for (const which of order) inRound[which].push(await noop(stack.api, decks[which], i));
      }
      samples.ts.push(...inRound.ts);
      samples.py.push(...inRound.py);
      rounds.push(`round ${round + 1}: TS p50 ${fmt(stats(inRound.ts).p50)} / Python p50 ${fmt(stats(inRound.py).p50)} ms`);
    }
    const ts = stats(samples.ts);
    const pyS = stats(samples.py);
    console.log(`direct call end to end (HTTP -> gateway -> Redis -> agent -> driver and back), deck.bench.noop, ${AB_ROUNDS} x ${AB_CALLS} interleaved pairs:`);
    console.log(`  TypeScript deck: p50 ${fmt(ts.p50)} ms  p95 ${fmt(ts.p95)} ms  p99 ${fmt(ts.p99)} ms`);
    console.log(`  Python deck:     p50 ${fmt(pyS.p50)} ms  p95 ${fmt(pyS.p95)} ms  p99 ${fmt(pyS.p99)} ms`);
    console.log(`  Python - TypeScript p50: ${fmt(pyS.p50 - ts.p50)} ms`);
    for (const line of rounds) console.log(`  ${line}`);
  } finally {
    await py?.stop();
    await stack.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`${machine()}; load average ${load()}`);
  await bridgeRoundTrip();
  if (E2E) await endToEnd();
  console.log(`load average at the end ${load()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
