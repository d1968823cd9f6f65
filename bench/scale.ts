/**
 * Many decks against one gateway (issue 14 item 6). Starts DECKS simulated decks as light agents,
 * PER_PROCESS to a process (bench/lib/deck-host.ts), against one built gateway, a private Redis
 * and a fresh database, and measures:
 *   1. start → every deck online (GET /api/decks), and the registry listing's latency;
 *   2. one run of STEPS no-op steps on every deck at once: all complete, every step recorded once;
 *   3. ingestion: one run of LONG_STEPS steps on every deck at once; step records and events
 *      committed per second (sampled from PostgreSQL each second), gateway CPU and RSS.
 *
 *   node tools/build.mjs && npx tsx bench/scale.ts     (DECKS=100 PER_PROCESS=25 STEPS=100 LONG_STEPS=1000)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DIST, load, machine, ManagedProcess, quantile, sleep, Stack } from './lib/stack';

const DECKS = Number(process.env['DECKS'] ?? 100);
const PER_PROCESS = Number(process.env['PER_PROCESS'] ?? 25);
const STEPS = Number(process.env['STEPS'] ?? 100);
const LONG_STEPS = Number(process.env['LONG_STEPS'] ?? 1000);

const noop = (id: number) => ({ id, uuid: 10_000 + id, instrument: 'deck.bench', action: 'noop', args: { x: id }, arg_types: { x: 'float' }, return: '' });
const fmt = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : '-');

function rssMiB(p: ManagedProcess): number {
  const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

async function startHosts(stack: Stack, decks: string[]): Promise<ManagedProcess[]> {
  const hosts: ManagedProcess[] = [];
  for (let i = 0; i < decks.length; i += PER_PROCESS) {
    hosts.push(new ManagedProcess(`deck-host-${i / PER_PROCESS}`, process.execPath, [join(DIST, 'bench/lib/deck-host.js')], {
      ...process.env,
      HOST_DECKS: decks.slice(i, i + PER_PROCESS).join(','), HOST_DATA_DIR: join(stack.tmp, 'hosts'),
      REDIS_URL: stack.redisUrl, IVORYOS_SIM_DELAY_MS: '0', IVORYOS_HEARTBEAT_MS: '1000', LOG_LEVEL: 'warn',
      IVORYOS_SCHEMA_CACHE_DIR: join(stack.tmp, 'schema-cache'),
    }));
  }
  return hosts;
}

async function onlineCount(stack: Stack, prefix: string): Promise<number> {
  const res = await stack.api.expect<{ items: { name: string; online: boolean }[] }>(200, 'GET', '/api/decks');
  return res.items.filter((d) => d.name.startsWith(prefix) && d.online).length;
}

/** One run per deck at once; resolves when all are completed (throws on any other end). */
async function runEverywhere(stack: Stack, pg: Client, decks: string[], workflow: (deck: string) => string): Promise<string[]> {
  const ids = await Promise.all(decks.map(async (deck) => (await stack.api.expect<{ id: string }>(201, 'POST', '/api/runs', { workflow: workflow(deck), onError: 'stop' })).id));
  for (;;) {
    const { rows } = await pg.query<{ status: string; n: string }>('select status, count(*) as n from workflow_run where id = any($1) group by status', [ids]);
    const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    const ended = Object.entries(by).filter(([status]) => ['failed', 'stopped', 'cancelled'].includes(status));
    if (ended.length) throw new Error(`runs ended early: ${JSON.stringify(by)}`);
    if ((by['completed'] ?? 0) === ids.length) return ids;
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const stack = await new Stack({ agent: false }).start();
  const pg = new Client({ connectionString: stack.db.url });
  await pg.connect();
  const prefix = 'scale_';
  const decks = Array.from({ length: DECKS }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  let hosts: ManagedProcess[] = [];
  try {
    console.log(`${machine()}; load ${load()}; ${DECKS} decks, ${PER_PROCESS} per process`);
    // The schema is introspected once (first host), then read from the shared cache.
    const t0 = performance.now();
    hosts = await startHosts(stack, decks);
    let online = 0;
    while (online < DECKS) {
      if (hosts.some((h) => h.exited)) throw new Error(`a deck host exited:\n${hosts.find((h) => h.exited)?.output()}`);
      await sleep(100);
      online = await onlineCount(stack, prefix);
    }
    const onlineS = (performance.now() - t0) / 1000;
    console.log(`1. all ${DECKS} decks online ${fmt(onlineS, 2)} s after the hosts were spawned (load ${load()})`);

    const listing: number[] = [];
    for (let i = 0; i < 200; i++) {
      const at = performance.now();
      await stack.api.expect(200, 'GET', '/api/decks');
      listing.push(performance.now() - at);
    }
    listing.sort((a, b) => a - b);
    console.log(`   GET /api/decks (${DECKS} decks), 200 sequential: p50 ${fmt(quantile(listing, 0.5), 2)} ms, p95 ${fmt(quantile(listing, 0.95), 2)} ms`);

    for (const deck of decks) {
      for (const [name, steps] of [[`s_${deck}`, STEPS], [`l_${deck}`, LONG_STEPS]] as const) {
        await stack.api.expect(201, 'POST', '/api/workflows', { name, deck, script_dict: { prep: [], script: Array.from({ length: steps }, (_, i) => noop(i + 1)), cleanup: [] } });
      }
    }

    const t1 = performance.now();
    const short = await runEverywhere(stack, pg, decks, (deck) => `s_${deck}`);
    const shortS = (performance.now() - t1) / 1000;
    const { rows } = await pg.query<{ run_id: string; n: string; distinct_n: string }>(
      `select run_id, count(*) as n, count(distinct (phase_id, step_index, sample, attempt)) as distinct_n
         from workflow_step where run_id = any($1) group by run_id`, [short]);
    const once = rows.filter((r) => Number(r.n) === STEPS && Number(r.distinct_n) === STEPS).length;
    console.log(`2. ${DECKS} concurrent runs × ${STEPS} steps: all completed in ${fmt(shortS, 2)} s; runs with every step recorded exactly once: ${once}/${DECKS}`);

    // 3. Ingestion under sustained load: sample what is committed each second.
    const gw = stack.gateway as ManagedProcess;
    const count = async () => {
      const r = await pg.query<{ steps: string; events: string }>('select (select count(*) from workflow_step) as steps, (select count(*) from run_event) as events');
      return { steps: Number(r.rows[0].steps), events: Number(r.rows[0].events) };
    };
    const before = await count();
    const cpu0 = gw.cpuMs();
    const t2 = performance.now();
    let peakRss = rssMiB(gw);
    let sampling = true;
    const samples: { t: number; steps: number; events: number }[] = [];
    const sampler = (async () => {
      while (sampling) {
        const c = await count();
        samples.push({ t: performance.now(), ...c });
        peakRss = Math.max(peakRss, rssMiB(gw));
        await sleep(1000);
      }
    })();
    const long = await runEverywhere(stack, pg, decks, (deck) => `l_${deck}`);
    const longS = (performance.now() - t2) / 1000;
    sampling = false;
    await sampler;
    const after = await count();
    const cpuS = (gw.cpuMs() - cpu0) / 1000;
    const steps = after.steps - before.steps;
    const events = after.events - before.events;
    let bestStepRate = 0;
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i].t - samples[i - 1].t) / 1000;
      bestStepRate = Math.max(bestStepRate, (samples[i].steps - samples[i - 1].steps) / dt);
    }
    const span = await pg.query<{ ms: string }>(
      'select extract(epoch from max(ended_at) - min(started_at)) * 1000 as ms from workflow_step where run_id = any($1)', [long]);
    const spanS = Number(span.rows[0].ms) / 1000;
    console.log(`3. ${DECKS} concurrent runs × ${LONG_STEPS} steps: ${steps} step records, ${events} events in ${fmt(longS, 1)} s`);
    console.log(`   committed: ${fmt(steps / longS, 0)} steps/s and ${fmt(events / longS, 0)} events/s on average (best second ${fmt(bestStepRate, 0)} steps/s); agents' span ${fmt(spanS, 1)} s`);
    console.log(`   gateway: ${fmt(cpuS, 1)} CPU s (${fmt((100 * cpuS) / longS, 0)} % of one core), RSS peak ${fmt(peakRss, 0)} MiB; load ${load()}`);
    console.log(`   deck hosts: RSS ${hosts.map((h) => fmt(rssMiB(h), 0)).join(', ')} MiB (${PER_PROCESS} decks each)`);
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
    await pg.end();
    await stack.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
