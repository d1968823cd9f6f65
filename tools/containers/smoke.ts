/* The container smoke test's checks (run by smoke-test.sh once the compose stack is up under
   podman), all through the proxy's port on 127.0.0.1: sign in, provision each demo agent's
   (TypeScript and Python) deck token, wait for both decks online, a direct call on each, a 40-step run on
   the TypeScript deck with one gateway container killed mid-run (the run completes with every
   step recorded once and called once, the event ledger has no hole, the agents stay up), then a
   run on the Python deck. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, equilibrate } from '../chaos/lib/api';
import { checkLongRun, longRunRows, saveLongWorkflow } from '../chaos/lib/long-run';
import { Scenario, waitFor } from '../chaos/lib/scenario';
import { readCallLog } from '../chaos/lib/stack';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`smoke.ts: ${name} is not set (run it through tools/containers/smoke-test.sh)`);
  return v;
};
const base = env('SMOKE_BASE_URL');
const dbUrl = env('SMOKE_PG_URL');
const callsDir = env('SMOKE_CALLS_DIR');
const podman = env('SMOKE_PODMAN').split(' ');
const victim = env('SMOKE_KILL_CONTAINER');
/** Each demo deck: its compose service (whose container_name is ivoryos-<service>) and its call log. */
const decks = [
  { deck: 'abstract_sdl', service: 'agent-abstract-sdl', callLog: join(callsDir, 'calls.log') },
  { deck: 'abstract_sdl_py', service: 'agent-abstract-sdl-py', callLog: join(callsDir, 'calls-py.log') },
];
const [ts, py] = decks;
const containerOf = (service: string) => `ivoryos-${service}`;

/** The container's memory cgroup peak (cgroup v1, page cache included), in MiB; undefined where not readable. */
function peakMiB(container: string): number | undefined {
  try {
    const pid = sh([...podman, 'inspect', container, '--format', '{{.State.Pid}}']).trim();
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /^\d+:memory:/.test(l));
    const bytes = Number(readFileSync(`/sys/fs/cgroup/memory${line?.split(':')[2] ?? '?'}/memory.max_usage_in_bytes`, 'utf8'));
    return Math.round(bytes / 1048576);
  } catch {
    return undefined;
  }
}
const sh = (cmd: string[]) => execFileSync(cmd[0], cmd.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** When the container last started and whether it runs: the same value before and after means it was never restarted. */
const started = (container: string) => sh([...podman, 'inspect', container, '--format', '{{.State.Running}} {{.State.StartedAt}} {{.RestartCount}}']).trim();

void new Scenario('containers: two gateways behind haproxy, both demo decks, one gateway killed during a run', 420_000).run(async (s) => {
  const admin = await waitFor('the gateways to answer through the proxy', () => Api.login(base, env('IVORYOS_ADMIN_PASSWORD')).catch(() => undefined), 120_000, 1000);
  s.check(`signed in as admin through the proxy (${s.elapsed()})`, true);
  const live = await admin.get('/api/health/live');
  s.check('GET /api/health/live (the pods\' liveness probe) answers 200', live.status === 200, `${live.status}`);
  // What each gateway pod's init container runs: returns at once when no migration is pending.
  const waited = sh([...podman, 'exec', victim, 'node', 'dist/libs/db/src/cli/migrate.js', 'wait', '30']);
  s.check('migrate.js wait (the pods\' init container) returns in a gateway container', true, waited);
  const page = await fetch(`${base}/`);
  s.check('the web UI is in the image (GET / is HTML)', page.status === 200 && /<html/i.test(await page.text()), `${page.status}`);

  // Each agent gets its deck's token the documented way: `ivoryos-agent provision` inside its
  // container writes it to the agent's volume, and the restarted agent signs in to Redis with it.
  const t0 = Date.now();
  for (const d of decks) {
    const out = sh([...podman, 'exec', '-e', `IVORYOS_ADMIN_PASSWORD=${env('IVORYOS_ADMIN_PASSWORD')}`, containerOf(d.service),
      'node', 'dist/apps/deck-agent/src/cli.js', 'provision', d.deck]);
    s.check(`provisioned deck ${d.deck}'s token inside its agent container`, /deck-tokens/.test(out), out.trim());
  }
  // The agents' first start introspected their decks (a TypeScript compiler child for the TS deck); restarts read the cache.
  s.log(`agents' memory peak over their first start: ${decks.map((d) => `${d.deck} ${peakMiB(containerOf(d.service)) ?? '?'} MiB`).join(', ')}`);
  const restartedAt = Date.now();
  s.log(`both tokens provisioned in ${((restartedAt - t0) / 1000).toFixed(1)} s; restarting the agents`);
  sh([...podman, 'restart', ...decks.map((d) => containerOf(d.service))]);
  await Promise.all(decks.map(async (d) => {
    await admin.untilDeck(d.deck, true, 120_000);
    s.check(`deck ${d.deck} online ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after its agent container restarted`, true);
  }));

  for (const d of decks) {
    const res = await admin.post<{ success?: boolean; output?: unknown; error?: string | null }>(`/api/decks/${d.deck}/instruments/deck.sdl/analyze`, { param_1: 1, param_2: '2' }, 30_000);
    s.check(`direct call deck.sdl.analyze on ${d.deck} answers a number`, res.status === 200 && res.body.success === true && typeof res.body.output === 'number',
      `${res.status} ${JSON.stringify(res.body)}`);
    const logged = readCallLog(d.callLog).filter((c) => c.method === 'analyze');
    s.check(`… and the ${d.deck} driver was called once (its call log)`, logged.length === 1 && logged[0].args['param_2'] === 2, JSON.stringify(logged));
  }

  const agentsBefore = decks.map((d) => started(containerOf(d.service)));
  await saveLongWorkflow(admin, ts.deck, 'smoke_containers');
  const runId = await admin.submit({ workflow: 'smoke_containers', parameters: longRunRows() });
  const calls = () => readCallLog(ts.callLog).filter((c) => c.method === 'equilibrate');
  await waitFor('8 driver calls of the run', () => calls().length >= 8, 60_000, 50);
  const before = calls().length;
  sh([...podman, 'kill', '--signal', 'KILL', victim]);
  s.log(`gateway container ${victim} killed (SIGKILL) after ${before} driver calls`);
  await waitFor('the agent to go on', () => calls().length > before, 10_000, 50);
  await checkLongRun(s, admin, { calls }, dbUrl, runId, 180_000);
  const ready = await admin.get('/api/health/ready');
  s.check('the proxy still answers ready (the other replica)', ready.status === 200, `${ready.status}`);
  const agentsAfter = decks.map((d) => started(containerOf(d.service)));
  s.check('both agent containers ran on through the kill, never restarted', agentsAfter.every((a, i) => a === agentsBefore[i] && a.startsWith('true ')),
    `${agentsBefore.join(', ')} → ${agentsAfter.join(', ')}`);
  for (const d of decks) s.check(`deck ${d.deck} online after the kill`, (await admin.deckOnline(d.deck)) === true);
  s.log(`killed gateway container now: ${sh([...podman, 'inspect', victim, '--format', '{{.State.Status}} (restarts: {{.RestartCount}})']).trim()}`);

  // A short run on the Python deck, through the surviving replica.
  await admin.saveWorkflow({ name: 'smoke_containers_py', deck: py.deck, script_dict: { prep: [], script: [equilibrate(1, '#a', 0.1)], cleanup: [] } });
  const pyRun = await admin.submit({ workflow: 'smoke_containers_py', parameters: [{ a: 31 }, { a: 32 }, { a: 33 }] });
  const done = await admin.untilStatus(pyRun, ['completed', 'failed', 'stopped', 'waiting'], 60_000);
  const pySteps = done.phases.flatMap((p) => p.steps);
  s.check(`run on ${py.deck} completed with 3 steps`, done.status === 'completed' && pySteps.length === 3 && pySteps.every((st) => st.status === 'completed'),
    `${done.status} ${done.error ?? ''} ${pySteps.length} steps`);
  const pyCalls = readCallLog(py.callLog).filter((c) => c.method === 'equilibrate').map((c) => c.args['temp']);
  s.check(`… and the Python driver did each step once`, JSON.stringify(pyCalls) === '[31,32,33]', JSON.stringify(pyCalls));

  // podman, like docker, does not restart a container someone killed: the operator (or Kubernetes) starts it again.
  sh([...podman, 'start', victim]);
  await waitFor('the restarted gateway to answer ready inside its container', () => {
    try {
      sh([...podman, 'exec', victim, 'node', '-e', "fetch('http://127.0.0.1:8000/api/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]);
      return true;
    } catch {
      return undefined;
    }
  }, 120_000, 1000);
  s.check(`the killed gateway, started again, is ready (${s.elapsed()})`, true);
});
