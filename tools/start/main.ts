/* `npm start`: the whole system on one machine. Starts Redis if none answers (and redis-server
   is installed), then the gateway (which starts an embedded PostgreSQL when no database URL is
   set) and the demo decks' agents (TypeScript and, when python3 is here, Python; IVORYOS_DEMO_DECKS=ts,py),
   each as its own process. Not production mode, but the demo
   agent uses a deck credential as in production: the gateway adopts (or writes)
   ivoryos_data/deck-tokens/abstract_sdl and creates the deck's Redis user, and the agent, started once that
   user exists, signs in with the token from that file. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Supervisor, type ManagedProcess } from './supervisor';
import { demoDecks } from './demo-decks';
import { localRedisPort, redisAnswers, redisHasUser } from './redis-check';

/** The demo deck (examples/decks/abstract_sdl.ts) and the Redis user its agent signs in as. */
const DEMO_DECK = 'abstract_sdl';
/** The Python demo deck (examples/decks/python/abstract_sdl_py.py), written the IvoryOS way, served through the bridge. */
const PYTHON_DEMO_DECK = 'abstract_sdl_py';

const root = resolve(__dirname, '..', '..', '..');
const dataDir = resolve(process.env.IVORYOS_DATA_DIR ?? 'ivoryos_data');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function hasPython3(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const supervisor = new Supervisor((name, code) => {
  console.error(`[start] ${name} stopped; shutting down`);
  void supervisor.stopAll().then(() => process.exit(code ?? 1));
});

// Installed before any child starts: the children run in process groups of their own, so nothing
// else stops them when this launcher is interrupted (Ctrl-C), stopped, or its terminal closes.
let stopSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!stopSignalAt) {
      stopSignalAt = Date.now();
      console.error(`[start] ${signal}: stopping (again to stop without waiting for calls in progress)`);
      void supervisor.stopAll().then(() => process.exit(0));
      return;
    }
    // npm passes the terminal's Ctrl-C on too, so one press can arrive twice.
    if (Date.now() - stopSignalAt < 1000) return;
    console.error(`[start] ${signal} again: stopping without waiting`);
    supervisor.signalAll('SIGTERM');
  });
}

async function main(): Promise<void> {
  const processes: ManagedProcess[] = [];
  if (!(await redisAnswers(redisUrl))) {
    const port = localRedisPort(redisUrl);
    if (port === undefined || !hasRedisServer()) {
      console.error(
        `No Redis answers at ${redisUrl}.\n` +
          'Start one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis; or docker run -p 6379:6379 redis:7)\n' +
          'or point REDIS_URL at one, then run npm start again.',
      );
      process.exit(1);
    }
    const dir = join(dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    console.error(`[start] no Redis at ${redisUrl}; starting redis-server on port ${port} with its data in ${dir}`);
    processes.push({
      name: 'redis',
      command: 'redis-server',
      // A queue for lab hardware must never evict keys; keep an append-only file under ivoryos_data.
      args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''],
      restart: true,
      essential: false,
    });
  }
  const python = hasPython3();
  const decks = demoDecks(process.env.IVORYOS_DEMO_DECKS, python);
  if (decks.unknown.length) console.error(`[start] IVORYOS_DEMO_DECKS: ignoring ${decks.unknown.join(', ')} (use ts, py or ts,py)`);
  if (decks.py && !python) {
    console.error('[start] the Python demo deck needs python3 (3.8+): sudo apt-get install python3, brew install python, or python.org; starting without it');
    decks.py = false;
  }
  const pyAgent: ManagedProcess = {
    name: `agent ${PYTHON_DEMO_DECK}`,
    command: process.execPath,
    // The IvoryOS-style Python deck through the agent's bridge. Its own data folder: until deck tokens are
    // provisioned per deck, the TypeScript demo's token file must not be picked up by this agent.
    args: [join(root, 'dist/apps/deck-agent/src/cli.js'), join(root, 'examples/decks/python/abstract_sdl_py.py')],
    env: {
      IVORYOS_DATA_DIR: join(dataDir, 'agents', PYTHON_DEMO_DECK), REDIS_URL: redisUrl,
      IVORYOS_SIM_CALL_LOG: process.env.IVORYOS_SIM_CALL_LOG ?? join(dataDir, 'sim-calls.log'),
    },
    restart: true,
    essential: false,
  };
  const agent: ManagedProcess = {
    name: `agent ${DEMO_DECK}`,
    command: process.execPath,
    // The simulated demo deck, as its own process; restarted whenever it exits (the gateway survives that).
    args: [join(root, 'dist/apps/deck-agent/src/cli.js'), join(root, 'examples/decks/abstract_sdl.ts')],
    env: { IVORYOS_DATA_DIR: dataDir, REDIS_URL: redisUrl, IVORYOS_SIM_CALL_LOG: process.env.IVORYOS_SIM_CALL_LOG ?? join(dataDir, 'sim-calls.log') },
    restart: true,
    essential: false,
  };
  processes.push({
    name: 'gateway',
    command: process.execPath,
    args: [join(root, 'dist/apps/gateway/src/main.js')],
    // IvoryOS's client and proxy files (no ?deck=) reach the TypeScript demo; the Python demo shares its instrument names.
    env: { IVORYOS_DATA_DIR: dataDir, REDIS_URL: redisUrl, IVORYOS_PROVISION_DECK_TOKEN: DEMO_DECK, IVORYOS_DEFAULT_DECK: process.env.IVORYOS_DEFAULT_DECK ?? DEMO_DECK },
    restart: false,
    essential: true,
  });

  for (const p of processes) {
    supervisor.start(p);
    if (p.name === 'redis') await waitFor(() => redisAnswers(redisUrl, 500), 10_000, 'redis-server did not answer within 10 s');
  }
  // The agent signs in as deck_abstract_sdl, which the gateway creates while it starts; starting
  // the agent earlier would only fill its log with refused sign-ins. When this connection may not
  // ask Redis about users, the agent starts at once and retries its sign-in by itself.
  await waitFor(async () => (await redisHasUser(redisUrl, `deck_${DEMO_DECK}`)) !== 'no', 180_000, '').catch(() => undefined);
  if (decks.ts) supervisor.start(agent);
  if (decks.py) supervisor.start(pyAgent);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(message);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  void supervisor.stopAll().then(() => process.exit(1));
});
