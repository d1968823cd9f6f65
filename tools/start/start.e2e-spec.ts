import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import IORedis from 'ioredis';
import { freePort } from '@ivoryos/testing';

const root = resolve(__dirname, '..', '..');
const launcher = join(root, 'dist/tools/start/main.js');

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  });
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `npm start` as a newcomer runs it: no database URL, and here no Redis on the chosen port either. */
describe('npm start (built launcher)', () => {
  let proc: ChildProcess;
  let base: string;
  let dataDir: string;
  let redisPort: number;
  let output = '';
  let token = '';
  let agentPid = 0;

  beforeAll(async () => {
    if (!existsSync(launcher)) throw new Error(`${launcher} is missing: run npm run build first (npm test does)`);
    const dir = mkdtempSync(join(tmpdir(), 'ivoryos-start-'));
    chmodSync(dir, 0o755); // the embedded PostgreSQL runs as the postgres user when we are root
    dataDir = join(dir, 'ivoryos_data');
    const port = await freePort();
    redisPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), IVORYOS_DATA_DIR: dataDir, REDIS_URL: `redis://127.0.0.1:${redisPort}`, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.IVORYOS_DB_URI;
    // Its own process group, as in a terminal, so the last test can press Ctrl-C on the group.
    proc = spawn(process.execPath, [launcher], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  }, 10_000);

  afterAll(async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  });

  it('serves /api/health with the embedded database and the Redis it started', async () => {
    const health = await waitFor(
      async () => {
        const res = await fetch(`${base}/api/health`);
        return res.status === 200 ? ((await res.json()) as Record<string, { status: string; kind?: string }>) : undefined;
      },
      90_000,
      'the gateway to answer',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
    expect(health.status).toBe('ok');
    expect(health.db).toMatchObject({ status: 'up', kind: 'embedded' });
    expect(health.redis).toMatchObject({ status: 'up' });
    expect(output).toContain(`starting redis-server on port ${redisPort}`);
    for (const folder of ['config_csv', 'logs', 'pseudo_deck', 'results', 'scripts/drafts', 'llm_output', 'postgres', 'redis']) {
      expect(existsSync(join(dataDir, folder))).toBe(true);
    }
  }, 100_000);

  // How soon is a benchmark's question (the agent types its deck once, seconds on a loaded machine); this checks that it comes.
  it('lists the demo deck online after /api/health answers', async () => {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { accessToken: string }).accessToken;
    const deck = await waitFor(async () => {
      const res = await fetch(`${base}/api/decks`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { items: { name: string; online: boolean; agent: { pid: number } | null }[] };
      return body.items.find((d) => d.name === 'abstract_sdl' && d.online);
    }, 60_000, 'abstract_sdl online');
    expect(deck.agent?.pid).toEqual(expect.any(Number));
    agentPid = deck.agent?.pid ?? 0;
  }, 70_000);

  it('runs the demo agent with a deck credential: its own Redis user, the token in ivoryos_data/deck-tokens/abstract_sdl', async () => {
    const file = join(dataDir, 'deck-tokens', 'abstract_sdl');
    expect(readFileSync(file, 'utf8')).toMatch(/^ivd_[A-Za-z0-9_-]{43}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const redis = new IORedis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: 1 });
    try {
      const clients = String(await redis.call('CLIENT', 'LIST')).split('\n').filter((l) => l.includes('name=ivoryos-agent:'));
      expect(clients.length).toBeGreaterThanOrEqual(4);
      // The TypeScript demo's agent signs in as its deck user (the Python demo's agent, without a token yet, as the default user).
      expect(clients.filter((l) => l.includes('user=deck_abstract_sdl')).length).toBeGreaterThanOrEqual(4);
      expect(clients.every((l) => l.includes('user=deck_abstract_sdl') || l.includes('user=default'))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('restarts the demo agent by itself when it dies', async () => {
    // process.kill(0) would signal this whole process group, jest included.
    if (!agentPid) throw new Error('no agent pid: the deck was not listed online earlier');
    process.kill(agentPid, 'SIGKILL');
    const decks = async () => ((await (await fetch(`${base}/api/decks`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { name: string; online: boolean; agent: { pid: number } | null }[] }).items;
    // The launcher restarts it at once, so either we see it offline or already back under a new pid.
    const back = await waitFor(async () => {
      const d = (await decks()).find((x) => x.name === 'abstract_sdl');
      return d?.online && d.agent?.pid !== agentPid ? d : undefined;
    }, 30_000, 'the restarted agent');
    expect(back.agent?.pid).not.toBe(agentPid);
    expect(output).toContain('agent abstract_sdl exited');
  }, 40_000);

  it('renders the API docs', async () => {
    const page = await fetch(`${base}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const spec = (await (await fetch(`${base}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/workflows', '/api/runs/{id}']));
  });

  it('stops the agent, then the gateway and its database, then Redis on Ctrl-C', async () => {
    // A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-proc.pid!, 'SIGINT');
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(0);
    // One signal each: the agent waited for its call instead of taking a second signal as "exit now".
    expect(output).not.toContain('second signal');
    const order = ['agent abstract_sdl', 'gateway', 'redis'].map((name) => output.indexOf(`[start] stopping ${name}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
    expect(await portOpen(redisPort)).toBe(false);
    expect(readdirSync(join(dataDir, 'postgres')).includes('postmaster.pid')).toBe(false);
  }, 30_000);
});
