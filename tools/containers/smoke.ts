/* The container smoke test's checks (run by smoke-test.sh once the compose stack is up under
   podman): through the proxy, sign in, give the demo agent its deck token, run a 40-step
   workflow, kill one gateway container mid-run, and check that the run completes with every
   step recorded once and called once, and the event ledger has no hole. */
import { execFileSync } from 'node:child_process';
import { Api } from '../chaos/lib/api';
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
const callLog = env('SMOKE_CALL_LOG');
const podman = env('SMOKE_PODMAN').split(' ');
const victim = env('SMOKE_KILL_CONTAINER');
const deck = 'abstract_sdl';

const sh = (cmd: string[]) => execFileSync(cmd[0], cmd.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

void new Scenario('containers: two gateways behind haproxy, one killed during a run', 240_000).run(async (s) => {
  const admin = await waitFor('the gateways to answer through the proxy', () => Api.login(base, env('IVORYOS_ADMIN_PASSWORD')).catch(() => undefined), 90_000, 1000);
  s.check('signed in as admin through the proxy', true);
  const token = await admin.post<{ token?: string }>(`/api/decks/${deck}/token`);
  s.must('issued the demo deck its token', token.status === 201 && typeof token.body.token === 'string', `${token.status} ${JSON.stringify(token.body)}`);
  // The agent reads its token at start: recreate its container with it.
  sh([...podman, 'rm', '-f', 'ivoryos-agent-abstract-sdl']);
  execFileSync('bash', ['-c', `${env('SMOKE_COMPOSE')} up -d --no-build agent-abstract-sdl >/dev/null`], {
    env: { ...process.env, IVORYOS_DECK_TOKEN: token.body.token },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await admin.untilDeck(deck, true, 60_000);
  s.check('the demo deck is online (its agent container signed in to Redis with the token)', true);

  await saveLongWorkflow(admin, deck, 'smoke_containers');
  const runId = await admin.submit({ workflow: 'smoke_containers', parameters: longRunRows() });
  await waitFor('8 driver calls of the run', () => readCallLog(callLog).length >= 8, 30_000, 50);
  const before = readCallLog(callLog).length;
  sh([...podman, 'kill', '--signal', 'KILL', victim]);
  s.log(`gateway container ${victim} killed (SIGKILL) after ${before} driver calls`);
  await waitFor('the agent to go on', () => readCallLog(callLog).length > before, 10_000, 50);
  await checkLongRun(s, admin, { calls: () => readCallLog(callLog) }, dbUrl, runId, 120_000);
  const ready = await admin.get('/api/health/ready');
  s.check('the proxy still answers ready (the other replica)', ready.status === 200, `${ready.status}`);
});
