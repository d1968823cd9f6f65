import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const root = resolve(__dirname, '..', '..', '..', '..');
const CLI = join(root, 'dist/apps/deck-agent/src/cli.js');
const DEMO_DECK = join(root, 'examples/decks/abstract_sdl.ts');
/** The Python demo deck (IvoryOS style), served through the agent's Python bridge. */
export const PYTHON_DEMO_DECK = join(root, 'examples/decks/python/abstract_sdl_py.py');

export interface TestAgent {
  deck: string;
  callLog: string;
  dataDir: string;
  proc: ChildProcess;
  output(): string;
  /** Lines of the demo deck's call log (kept outside the agent): one per driver call started. */
  calls(): string[];
  start(): void;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The real deck agent as its own OS process (the built CLI), serving the simulated demo deck
 * under a unique name, on the given Redis (data in a fresh folder, or `dataDir`).
 */
export function startTestAgent(opts: { redisUrl: string; deck?: string; env?: Record<string, string>; deckFile?: string; args?: string[]; dataDir?: string }): TestAgent {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const deck = opts.deck ?? `t_${randomBytes(4).toString('hex')}`;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ivoryos-agent-'));
  const callLog = join(dataDir, 'sim-calls.log');
  let out = '';
  const agent: TestAgent = {
    deck, callLog, dataDir,
    proc: undefined as unknown as ChildProcess,
    output: () => out,
    calls: () => (existsSync(callLog) ? readFileSync(callLog, 'utf8').split('\n').filter(Boolean) : []),
    start() {
      const env = {
        ...process.env, REDIS_URL: opts.redisUrl, IVORYOS_DATA_DIR: dataDir, IVORYOS_HEARTBEAT_MS: '200', IVORYOS_SIM_DELAY_MS: '0',
        IVORYOS_SIM_CALL_LOG: callLog, LOG_LEVEL: 'warn', ...opts.env,
      };
      agent.proc = spawn(process.execPath, [CLI, opts.deckFile ?? DEMO_DECK, '--name', deck, ...(opts.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      agent.proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      agent.proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      const p = agent.proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill(signal);
      await exited;
    },
  };
  agent.start();
  return agent;
}

/** Poll until `fn` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Until the gateway at `baseUrl` shows the agent's deck online. Generous, since an agent starting on
 * a loaded 2-core machine (tsx compiling the deck, introspection) can take many times its usual 2 s;
 * the agent's own output goes into the error.
 */
export async function waitOnline(baseUrl: string, token: string, agent: TestAgent, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => {
    const res = await fetch(`${baseUrl}/api/decks/${agent.deck}`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { online?: boolean }).online ? true : undefined;
  }, timeoutMs, `deck ${agent.deck} online`).catch((err: Error) => {
    throw new Error(`${err.message}\n${agent.output()}`);
  });
}

let pythonProbe: boolean | undefined;

/** Whether python3 (3.8+) is here for the Python-deck tests; where it is not, they are skipped with the reason logged. */
export function hasPython3(): boolean {
  if (pythonProbe !== undefined) return pythonProbe;
  try {
    const version = execFileSync('python3', ['-c', 'import sys;print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', timeout: 30_000 }).trim();
    const [major, minor] = version.split('.').map(Number);
    pythonProbe = major === 3 && minor >= 8;
    if (!pythonProbe) console.warn(`Python-deck tests skipped: python3 is ${version}, 3.8+ is needed`);
  } catch (err) {
    pythonProbe = false;
    console.warn(`Python-deck tests skipped: no python3 on this machine (${(err as Error).message.split('\n')[0]})`);
  }
  return pythonProbe;
}
