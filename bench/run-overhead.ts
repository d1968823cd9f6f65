/**
 * Workflow runs end to end through the HTTP API (Bearer token) against the BUILT gateway and a real deck
 * agent (separate processes), on PostgreSQL, with a private redis-server:
 *   (a) per-step overhead: one run of STEPS `deck.bench.noop` steps, from submit until GET /api/runs/:id shows
 *       it completed with all its step rows (total / STEPS);
 *   (b) per-iteration overhead: one no-op step, repeat REPEAT;
 *   (c) submit-to-first-step latency: submit until the first step's start as recorded (one-step runs).
 * Each is the median of RUNS runs (after one warm-up run). The moment a run is done is found without polling
 * the big record: the bench listens to the gateway's commit notices on Redis (`ivoryos:run-updates`) and asks
 * the light run list for the status after each; then it reads GET /api/runs/:id once to check the records.
 * The timeline of each run (created, dispatched, started, first and last step, ended) comes from its rows.
 *
 *   node tools/build.mjs && npx tsx bench/run-overhead.ts
 *   (STEPS=1000 REPEAT=1000 RUNS=5 FIRST_STEP_RUNS=15 to change the defaults;
 *    DECK_FILE=examples/decks/python/abstract_sdl_py.py for the Python demo deck through the bridge)
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { channelNames } from '@ivoryos/contracts';
import { epochMs, load, machine, median, Stack } from './lib/stack';

const STEPS = Number(process.env['STEPS'] ?? 1000);
const REPEAT = Number(process.env['REPEAT'] ?? 1000);
const RUNS = Number(process.env['RUNS'] ?? 5);
const FIRST_STEP_RUNS = Number(process.env['FIRST_STEP_RUNS'] ?? 15);
/** Which scenarios to run (a, b, c). */
const SCENARIOS = (process.env['SCENARIOS'] ?? 'a,b,c').split(',');

interface Timeline {
  /** Client clock (epoch ms, sub-ms) */
  submitAt: number;
  submitAnsweredAt: number;
  doneSeenAt: number;
  /** Row timestamps (ms) */
  createdAt: number;
  dispatchedAt: number;
  startedAt: number;
  firstStepStart: number;
  lastStepEnd: number;
  endedAt: number;
  steps: number;
  events: number;
  byType: string;
}

const noop = (id: number) => ({ id, uuid: 10_000 + id, instrument: 'deck.bench', action: 'noop', args: { x: id }, arg_types: { x: 'float' }, return: '' });

async function createWorkflow(stack: Stack, name: string, steps: number): Promise<void> {
  await stack.api.expect(201, 'POST', '/api/workflows', {
    name, deck: stack.deck, script_dict: { prep: [], script: Array.from({ length: steps }, (_, i) => noop(i + 1)), cleanup: [] },
  });
}

/** Gateway commit notices (after each ingestion batch) for the runs of this bench. */
class CommitNotices {
  private readonly sub: IORedis;
  private readonly waiting = new Map<string, () => void>();

  constructor(redisUrl: string) {
    this.sub = new IORedis(redisUrl);
    this.sub.on('message', (_channel: string, text: string) => {
      try {
        const { runId } = JSON.parse(text) as { runId: string };
        this.waiting.get(runId)?.();
      } catch {
        /* not ours */
      }
    });
  }

  async start(): Promise<void> {
    await this.sub.subscribe(channelNames.runUpdates);
  }

  /** Calls `check` after every commit of the run (and every 250 ms, in case a notice is lost) until it says done. */
  until(runId: string, check: () => Promise<boolean>, timeoutMs = 300_000): Promise<number> {
    return new Promise((resolve, reject) => {
      let busy = false;
      let again = false;
      const deadline = setTimeout(() => finish(new Error(`run ${runId} not done after ${timeoutMs} ms`)), timeoutMs);
      const tick = setInterval(() => poke(), 250);
      const finish = (err?: Error, at?: number): void => {
        clearTimeout(deadline);
        clearInterval(tick);
        this.waiting.delete(runId);
        if (err) reject(err);
        else resolve(at ?? epochMs());
      };
      const poke = (): void => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        check().then((done) => {
          busy = false;
          if (done) finish(undefined, epochMs());
          else if (again) {
            again = false;
            poke();
          }
        }, (err: Error) => finish(err));
      };
      this.waiting.set(runId, poke);
      poke();
    });
  }

  close(): void {
    this.sub.disconnect();
  }
}

async function oneRun(stack: Stack, pg: Client, notices: CommitNotices, workflow: string, repeat: number, expectedSteps: number): Promise<Timeline> {
  const externalId = `bench-${randomBytes(6).toString('hex')}`;
  const submitAt = epochMs();
  const submitted = await stack.api.request<{ id: string }>('POST', '/api/runs', { workflow, repeat, externalId, onError: 'stop' });
  const submitAnsweredAt = epochMs();
  if (submitted.status !== 201) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const runId = submitted.body.id;
  const doneSeenAt = await notices.until(runId, async () => {
    const list = await stack.api.expect<{ items: { id: string; status: string }[] }>(200, 'GET', `/api/runs?externalId=${externalId}&perPage=1`);
    const status = list.items[0]?.status;
    if (status === 'failed' || status === 'stopped' || status === 'cancelled') throw new Error(`run ${runId} ended ${status}`);
    return status === 'completed';
  });
  // The record as a client reads it: completed, with every step row.
  const run = await stack.api.expect<{ status: string; phases: { name: string; steps: { status: string }[] }[] }>(200, 'GET', `/api/runs/${runId}`);
  const main = run.phases.filter((p) => p.name === 'main').flatMap((p) => p.steps);
  if (run.status !== 'completed' || main.length !== expectedSteps || main.some((s) => s.status !== 'completed')) {
    throw new Error(`run ${runId}: ${run.status} with ${main.length} step rows (expected ${expectedSteps} completed)`);
  }
  const { rows } = await pg.query<{
    created_at: Date; dispatched_at: Date; started_at: Date; ended_at: Date; first_step: Date; last_step: Date; steps: string; events: string;
  }>(
    `select r.created_at, r.dispatched_at, r.started_at, r.ended_at,
            (select min(s.started_at) from workflow_step s where s.run_id = r.id) as first_step,
            (select max(s.ended_at) from workflow_step s where s.run_id = r.id) as last_step,
            (select count(*) from workflow_step s where s.run_id = r.id) as steps,
            (select count(*) from run_event e where e.run_id = r.id) as events
       from workflow_run r where r.id = $1`,
    [runId],
  );
  const r = rows[0];
  const types = await pg.query<{ type: string; n: string }>('select type, count(*) as n from run_event where run_id = $1 group by type order by 2 desc', [runId]);
  return {
    byType: types.rows.map((t) => `${t.type} ${t.n}`).join(', '),
    submitAt, submitAnsweredAt, doneSeenAt,
    createdAt: r.created_at.getTime(), dispatchedAt: r.dispatched_at.getTime(), startedAt: r.started_at.getTime(),
    firstStepStart: r.first_step.getTime(), lastStepEnd: r.last_step.getTime(), endedAt: r.ended_at.getTime(),
    steps: Number(r.steps), events: Number(r.events),
  };
}

const fmt = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : '-');

function report(label: string, n: number, runs: Timeline[], loads: string[]): void {
  const m = (f: (t: Timeline) => number): number => median(runs.map(f));
  const total = m((t) => t.doneSeenAt - t.submitAt);
  console.log('');
  console.log(`### ${label} (${runs.length} runs, median; load at each run: ${loads.join(' | ')})`);
  console.log('');
  console.log('| measure | median | min – max |');
  console.log('|---|---|---|');
  const line = (name: string, f: (t: Timeline) => number, unit = 'ms', d = 1): void => {
    const v = runs.map(f);
    console.log(`| ${name} | ${fmt(median(v), d)} ${unit} | ${fmt(Math.min(...v), d)} – ${fmt(Math.max(...v), d)} |`);
  };
  line('submit → completed and readable with all step rows (client)', (t) => t.doneSeenAt - t.submitAt);
  line(`**per ${label.includes('repeat') ? 'iteration' : 'step'}: total / ${n}**`, (t) => (t.doneSeenAt - t.submitAt) / n, 'ms', 3);
  line(`per ${label.includes('repeat') ? 'iteration' : 'step'}, agent span only (first step start → last step end) / ${n}`, (t) => (t.lastStepEnd - t.firstStepStart) / n, 'ms', 3);
  line('submit → first step start (recorded)', (t) => t.firstStepStart - t.submitAt);
  console.log('');
  console.log('| hop (from the rows; ms resolution) | median ms |');
  console.log('|---|---|');
  console.log(`| submit request → answered (HTTP, validation, insert) | ${fmt(m((t) => t.submitAnsweredAt - t.submitAt))} |`);
  console.log(`| created → dispatched (dispatcher: deck lock, queue head) | ${fmt(m((t) => t.dispatchedAt - t.createdAt))} |`);
  console.log(`| dispatched → run started on the agent (BullMQ, run.accept journaled) | ${fmt(m((t) => t.startedAt - t.dispatchedAt))} |`);
  console.log(`| run started → first step start | ${fmt(m((t) => t.firstStepStart - t.startedAt))} |`);
  console.log(`| first step start → last step end (agent: driver, journal, outbox) | ${fmt(m((t) => t.lastStepEnd - t.firstStepStart))} |`);
  console.log(`| last step end → run ended (agent) | ${fmt(m((t) => t.endedAt - t.lastStepEnd))} |`);
  console.log(`| run ended → visible as completed (Redis stream, gateway batches, PostgreSQL commit, notice + list GET) | ${fmt(m((t) => t.doneSeenAt - t.endedAt))} |`);
  console.log(`| events ledgered per run / step rows | ${runs[0].events} / ${runs[0].steps} (${runs[0].byType}) |`);
  void total;
}

async function main(): Promise<void> {
  const stack = await new Stack({ deckFile: process.env['DECK_FILE'] }).start();
  const pg = new Client({ connectionString: stack.db.url });
  await pg.connect();
  const notices = new CommitNotices(stack.redisUrl);
  await notices.start();
  try {
    console.log(`${machine()}; load ${load()}`);
    console.log(`PostgreSQL: database ${stack.db.name} — ${stack.db.version}`);
    console.log(`Redis: private redis-server at ${stack.redisUrl}; gateway pid ${stack.gateway?.pid}, agent pid ${stack.agent?.pid} (deck ${stack.deck})`);
    await createWorkflow(stack, 'bench_steps', STEPS);
    await createWorkflow(stack, 'bench_one', 1);

    const scenario = async (label: string, workflow: string, repeat: number, steps: number, runs: number): Promise<Timeline[]> => {
      await oneRun(stack, pg, notices, workflow, repeat, steps); // warm-up
      const out: Timeline[] = [];
      const loads: string[] = [];
      for (let i = 0; i < runs; i++) {
        loads.push(load().split(' ')[0]);
        out.push(await oneRun(stack, pg, notices, workflow, repeat, steps));
      }
      report(label, Math.max(steps, 1), out, loads);
      return out;
    };
    const t0 = performance.now();
    if (SCENARIOS.includes('a')) await scenario(`(a) ${STEPS} no-op steps in one run`, 'bench_steps', 1, STEPS, RUNS);
    if (SCENARIOS.includes('b')) await scenario(`(b) one no-op step, repeat ${REPEAT}`, 'bench_one', REPEAT, REPEAT, RUNS);
    if (SCENARIOS.includes('c')) await scenario('(c) one no-op step, one iteration (submit → first step)', 'bench_one', 1, 1, FIRST_STEP_RUNS);
    console.log('');
    console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s; load now ${load()})`);
  } finally {
    notices.close();
    await pg.end();
    await stack.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
