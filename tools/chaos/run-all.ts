/* Runs the chaos scenarios one after another, each as its own process under an outer time limit,
   and ends with "chaos: N passed, N failed". `node dist/tools/chaos/run-all.js [name ...] [--json=<file>]`.
   A scenario that overruns is stopped with its whole process group (gateways, agents, redis-server)
   and the databases it created are dropped. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { PG_URL } from './lib/stack';

/** In run order; `limitS` is the outer bound, above each scenario's own hard timeout. */
const SCENARIOS = [
  { name: 'gateway-restart', limitS: 330 },
  { name: 'agent-kill-mid-call', limitS: 330 },
  { name: 'agent-kill-waiting', limitS: 330 },
  { name: 'replica-killed', limitS: 330 },
  { name: 'redis-wipe', limitS: 330 },
  { name: 'postgres-outage', limitS: 330 },
  { name: 'sigterm-drain', limitS: 330 },
];

interface Result {
  name: string;
  ok: boolean;
  seconds: number;
  note?: string;
}

async function runOne(name: string, limitS: number): Promise<Result> {
  const tag = randomBytes(3).toString('hex');
  const t0 = Date.now();
  // Its own process group: on overrun the scenario and every child it started are ended together.
  const child = spawn(process.execPath, [join(__dirname, `${name}.js`)], { stdio: 'inherit', detached: true, env: { ...process.env, IVORYOS_CHAOS_TAG: tag } });
  current = child.pid;
  let note: string | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const overrun = setTimeout(() => {
    note = `overran its limit of ${limitS} s: stopped`;
    console.log(`✘ chaos: ${name} ${note}`);
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 15_000).unref();
  }, limitS * 1000);
  const code = await exit;
  clearTimeout(overrun);
  current = undefined;
  // Whatever the scenario left (it was killed, or its cleanup failed): its processes and databases.
  signalGroup(child.pid, 'SIGKILL');
  await dropDatabases(tag);
  return { name, ok: code === 0 && !note, seconds: (Date.now() - t0) / 1000, note };
}

let current: number | undefined;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

async function dropDatabases(tag: string): Promise<void> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`ivoryos_chaos_${tag}_%`]);
    for (const { datname } of rows) {
      await client.query(`drop database if exists "${datname.replace(/"/g, '""')}" with (force)`);
      console.log(`  (dropped leftover database ${datname})`);
    }
  } catch (err) {
    console.log(`  (could not check for leftover databases: ${err instanceof Error ? err.message : String(err)})`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // The scenario cleans up on SIGTERM; run-all ends after it.
      signalGroup(current, 'SIGTERM');
      setTimeout(() => process.exit(1), 15_000).unref();
    });
  }
  const t0 = Date.now();
  const results: Result[] = [];
  for (const s of SCENARIOS.filter((x) => !names.length || names.includes(x.name))) results.push(await runOne(s.name, s.limitS));
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log('\nchaos scenarios:');
  for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.name} (${r.seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ''}`);
  console.log(`chaos: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (json) writeFileSync(json, JSON.stringify({ passed, failed, scenarios: results }, null, 2));
  process.exit(failed ? 1 : 0);
}

void main();
