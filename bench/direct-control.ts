/**
 * Direct control end to end: this process is the HTTP client, calling
 * `POST /api/decks/<deck>/instruments/deck.bench/noop` with a Bearer token against the BUILT gateway
 * and a real deck agent (separate processes), on PostgreSQL, with a private redis-server.
 * Sequential (BATCHES x CALLS after a warm-up) and concurrent (CLIENTS x PER_CLIENT) calls:
 * p50/p95/p99 and calls/s, plus the floors (an unauthenticated and an authenticated GET).
 *
 * With HOPS=1 (the default) a second pass runs with the opt-in hop timing of both apps
 * (IVORYOS_HOP_TIMING=true: the gateway answers a Server-Timing header, the agent appends one line
 * per call to <data>/hop-timing.jsonl) and splits each call into its hops. The timing pass is
 * reported separately, so the instrumentation never touches the headline figures.
 *
 *   node tools/build.mjs && npx tsx bench/direct-control.ts
 *   (BATCHES=5 CALLS=500 WARMUP=100 CLIENTS=8 PER_CLIENT=100 HOPS=1 to change the defaults;
 *    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres is the server the database is created on)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { epochMs, load, machine, median, quantile, Stack, type Api } from './lib/stack';

const BATCHES = Number(process.env['BATCHES'] ?? 5);
const CALLS = Number(process.env['CALLS'] ?? 500);
const WARMUP = Number(process.env['WARMUP'] ?? 100);
const CLIENTS = Number(process.env['CLIENTS'] ?? 8);
const PER_CLIENT = Number(process.env['PER_CLIENT'] ?? 100);
const HOPS = process.env['HOPS'] !== '0';

interface CallSample {
  ms: number;
  id: string;
  sentAt: number;
  receivedAt: number;
  serverTiming?: string;
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function summary(ms: number[]): { p50: number; p95: number; p99: number; mean: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99),
    mean: s.reduce((a, b) => a + b, 0) / s.length, min: s[0], max: s[s.length - 1],
  };
}

async function noop(api: Api, deck: string, x: number): Promise<CallSample> {
  const sentAt = epochMs();
  const t0 = performance.now();
  const res = await api.request<{ id: string; success: boolean; output: unknown }>('POST', `/api/decks/${deck}/instruments/deck.bench/noop`, { x });
  const ms = performance.now() - t0;
  if (res.status !== 200 || !res.body.success || res.body.output !== x) throw new Error(`noop: ${res.status} ${JSON.stringify(res.body)}`);
  const st = res.headers['server-timing'];
  return { ms, id: res.body.id, sentAt, receivedAt: sentAt + ms, serverTiming: Array.isArray(st) ? st.join(',') : st };
}

async function timeGets(api: Api, path: string, n: number): Promise<number[]> {
  for (let i = 0; i < 50; i++) await api.expect(200, 'GET', path);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await api.request('GET', path);
    out.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  }
  return out;
}

async function sequential(stack: Stack, n: number): Promise<{ samples: CallSample[]; wallMs: number }> {
  const samples: CallSample[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) samples.push(await noop(stack.api, stack.deck, i));
  return { samples, wallMs: performance.now() - t0 };
}

async function concurrent(stack: Stack, clients: number, perClient: number): Promise<{ samples: CallSample[]; wallMs: number }> {
  const samples: CallSample[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_c, c) => {
    for (let i = 0; i < perClient; i++) samples.push(await noop(stack.api, stack.deck, c * 1000 + i));
  }));
  return { samples, wallMs: performance.now() - t0 };
}

async function rowsCheck(stack: Stack): Promise<{ total: number; completed: number }> {
  const client = new Client({ connectionString: stack.db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: string; completed: string }>(
      "select count(*) as total, count(*) filter (where status = 'completed' and ended_at is not null) as completed from single_step where deck = $1",
      [stack.deck],
    );
    return { total: Number(rows[0].total), completed: Number(rows[0].completed) };
  } finally {
    await client.end();
  }
}

function row(label: string, ms: number[], wallMs: number, calls: number, loadAvg: string): string {
  const s = summary(ms);
  return `| ${label} | ${calls} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(s.mean)} | ${fmt(s.max, 1)} | ${Math.round(calls / (wallMs / 1000))} | ${loadAvg} |`;
}

/** The headline pass: no instrumentation in either app. */
async function headline(): Promise<void> {
  const stack = await new Stack().start();
  try {
    console.log(`${machine()}; load ${load()}`);
    console.log(`PostgreSQL: database ${stack.db.name} — ${stack.db.version}`);
    console.log(`Redis: private redis-server at ${stack.redisUrl}; gateway pid ${stack.gateway?.pid}, agent pid ${stack.agent?.pid} (deck ${stack.deck})`);
    console.log('');
    console.log('| calls | n | p50 ms | p95 ms | p99 ms | mean ms | max ms | calls/s | load (1/5/15 min) |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    const live = await timeGets(stack.api, '/api/health/live', CALLS);
    console.log(row('GET /api/health/live (no auth; HTTP floor)', live, live.reduce((a, b) => a + b, 0), live.length, load()));
    const me = await timeGets(stack.api, '/api/me', CALLS);
    console.log(row('GET /api/me (Bearer: JWT + user row)', me, me.reduce((a, b) => a + b, 0), me.length, load()));

    await sequential(stack, WARMUP);
    const all: number[] = [];
    const batchP50: number[] = [];
    const batchRate: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const { samples, wallMs } = await sequential(stack, CALLS);
      const ms = samples.map((s) => s.ms);
      all.push(...ms);
      batchP50.push(median(ms));
      batchRate.push(CALLS / (wallMs / 1000));
      console.log(row(`noop sequential, batch ${b + 1}`, ms, wallMs, CALLS, load()));
    }
    const allWall = all.reduce((a, b) => a + b, 0);
    console.log(row(`**noop sequential, all ${BATCHES} batches**`, all, allWall, all.length, load()));
    const cpu = (): { gw: number; agent: number; redis: number } => ({
      gw: stack.gateway?.cpuMs() ?? Number.NaN, agent: stack.agent?.cpuMs() ?? Number.NaN, redis: stack.redis?.cpuMs() ?? Number.NaN,
    });
    const cpuBefore = cpu();
    const conc = await concurrent(stack, CLIENTS, PER_CLIENT);
    const cpuAfter = cpu();
    console.log(row(`**noop concurrent, ${CLIENTS} clients x ${PER_CLIENT}**`, conc.samples.map((s) => s.ms), conc.wallMs, conc.samples.length, load()));
    console.log('');
    console.log(`batch medians ${batchP50.map((v) => fmt(v)).join(', ')} ms; batch rates ${batchRate.map((v) => Math.round(v)).join(', ')} calls/s`);
    const n = conc.samples.length;
    console.log(
      `CPU per call in the concurrent pass: gateway ${fmt((cpuAfter.gw - cpuBefore.gw) / n)} ms, agent ${fmt((cpuAfter.agent - cpuBefore.agent) / n)} ms, ` +
        `redis ${fmt((cpuAfter.redis - cpuBefore.redis) / n)} ms (PostgreSQL not counted)`,
    );
    const rows = await rowsCheck(stack);
    const expected = WARMUP + BATCHES * CALLS + CLIENTS * PER_CLIENT;
    console.log(`single_step rows for the deck: ${rows.total} (${rows.completed} completed with ended_at), expected ${expected}`);
    if (rows.total !== expected || rows.completed !== expected) throw new Error('not every call left a completed single_step row');
  } finally {
    await stack.dispose();
  }
}

// ---- hop timing pass ----------------------------------------------------------------------------

interface AgentTiming {
  callId: string;
  picked: number;
  driverStart: number;
  driverEnd: number;
  returned: number;
}

/** Server-Timing of the opt-in hop timing: `arrived;desc="<epoch ms>"`, then `<mark>;dur=<ms since arrival>`; as epoch ms. */
function parseServerTiming(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  let arrived = Number.NaN;
  for (const part of (text ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k === 'desc' && name === 'arrived') arrived = Number(v.replace(/"/g, ''));
      if (k === 'dur') out.set(name, Number(v));
    }
  }
  for (const [k, v] of out) out.set(k, arrived + v);
  if (Number.isFinite(arrived)) out.set('arrived', arrived);
  return out;
}

async function hops(): Promise<void> {
  const stack = await new Stack({ gatewayEnv: { IVORYOS_HOP_TIMING: 'true' }, agentEnv: { IVORYOS_HOP_TIMING: 'true' } }).start();
  try {
    await sequential(stack, WARMUP);
    const { samples } = await sequential(stack, CALLS);
    const file = join(stack.tmp, 'agent-data', 'hop-timing.jsonl');
    // The agent writes its lines through a stream; give it a moment.
    for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    if (!existsSync(file) || !samples.some((s) => s.serverTiming)) {
      console.log('\nNo hop breakdown: this build has no IVORYOS_HOP_TIMING (no Server-Timing header or agent timing file).');
      return;
    }
    const agent = new Map<string, AgentTiming>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const t = JSON.parse(line) as AgentTiming;
      agent.set(t.callId, t);
    }
    const parts: Record<string, number[]> = {};
    const add = (k: string, v: number): void => {
      (parts[k] ??= []).push(v);
    };
    let joined = 0;
    for (const s of samples) {
      const g = parseServerTiming(s.serverTiming);
      const a = agent.get(s.id);
      const arrived = g.get('arrived');
      if (!a || arrived === undefined) continue;
      joined++;
      const m = (k: string): number => g.get(k) ?? Number.NaN;
      add('1 client → gateway arrival (TCP, client write)', arrived - s.sentAt);
      add('2 HTTP + auth + validation (arrival → handler: body parse, JWT verify, user row, pipes)', m('handler') - arrived);
      add('3 deck state + schema + busy check, kwargs conversion', m('checked') - m('handler'));
      add('4 SingleStep insert (the pending row, committed)', m('inserted') - m('checked'));
      add('5 queue hop (BullMQ add → agent processor starts)', a.picked - m('inserted'));
      add('6a agent: journal call.start + log before the driver', a.driverStart - a.picked);
      add('6b agent: driver call (noop incl. the demo deck\'s call log append)', a.driverEnd - a.driverStart);
      add('6c agent: journal call.end + log after the driver', a.returned - a.driverEnd);
      add('7 result hop (processor returns → BullMQ completes → QueueEvents → gateway)', m('answered') - a.returned);
      add('8 SingleStep update (status, output, times)', m('recorded') - m('answered'));
      add('9 gateway → client (serialise, write, client parse)', s.receivedAt - m('recorded'));
      add('total (client round trip)', s.ms);
    }
    console.log('');
    console.log(`Hop breakdown (opt-in timing on, ${joined} of ${samples.length} sequential calls joined; load ${load()}):`);
    console.log('');
    console.log('| hop | median ms | mean ms | p95 ms |');
    console.log('|---|---|---|---|');
    for (const [k, v] of Object.entries(parts).sort(([a], [b]) => a.localeCompare(b))) {
      const s = summary(v);
      console.log(`| ${k} | ${fmt(s.p50, 3)} | ${fmt(s.mean, 3)} | ${fmt(s.p95, 3)} |`);
    }
  } finally {
    await stack.dispose();
  }
}

async function main(): Promise<void> {
  await headline();
  if (HOPS) await hops();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
