/* The real system for the browser tests, as OS processes from dist/: the gateway (serving the built
   UI from dist/apps/web, as `npm start` does) on a fresh migrated database and this worker's Redis,
   and the demo deck's agent. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, freePort, isolatedRedisUrl, type TestDatabase } from '@ivoryos/testing';

const ROOT = resolve(__dirname, '..', '..', '..');
const GATEWAY = join(ROOT, 'dist/apps/gateway/src/main.js');
const AGENT = join(ROOT, 'dist/apps/deck-agent/src/cli.js');
const DEMO_DECK = join(ROOT, 'examples/decks/abstract_sdl.ts');
const WEB_INDEX = join(ROOT, 'dist/apps/web/index.html');

class Child {
  private out = '';
  readonly proc: ChildProcess;
  constructor(label: string, args: string[], env: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-20_000);
    };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    this.label = label;
  }
  readonly label: string;
  output(): string {
    return `--- ${this.label}\n${this.out}`;
  }
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface WebStack {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  deck: string;
  adminToken: string;
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  output(): string;
  stop(): Promise<void>;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number, output: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (${String(last ?? '')})\n${output()}`);
}

export async function startWebStack(): Promise<WebStack> {
  for (const file of [GATEWAY, AGENT, WEB_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first (npm test does)`);
  }
  const db: TestDatabase = await createTestDatabase();
  const redisUrl = await isolatedRedisUrl();
  const port = await freePort();
  const deck = `web_${randomBytes(3).toString('hex')}`;
  const gateway = new Child('gateway', [GATEWAY], {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', IVORYOS_ENV: 'test', IVORYOS_DB_URI: db.url, REDIS_URL: redisUrl,
    IVORYOS_DATA_DIR: mkdtempSync(join(tmpdir(), 'ivoryos-web-gw-')), LOG_LEVEL: 'warn', IVORYOS_MIGRATE_ON_START: 'false',
  });
  const agent = new Child('agent', [AGENT, DEMO_DECK, '--name', deck], {
    ...process.env, REDIS_URL: redisUrl, IVORYOS_DATA_DIR: mkdtempSync(join(tmpdir(), 'ivoryos-web-agent-')), IVORYOS_HEARTBEAT_MS: '500',
    IVORYOS_SIM_DELAY_MS: '0', LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  const output = () => `${gateway.output()}\n${agent.output()}`;
  const api: WebStack['api'] = async (method, path, body, token) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as never };
  };
  const stop = async () => {
    await Promise.all([agent.stop(), gateway.stop()]);
    await db.drop();
  };
  try {
    const adminToken = await until('the gateway to sign in admin', async () => {
      const r = await api<{ accessToken?: string }>('POST', '/api/auth/login', { username: 'admin', password: 'admin' });
      return r.body.accessToken;
    }, 120_000, output);
    await until(`deck ${deck} online`, async () => ((await api<{ online?: boolean }>('GET', `/api/decks/${deck}`, undefined, adminToken)).body.online ? true : undefined), 90_000, output);
    return { url, port, deck, adminToken, api: (m, p, b, t) => api(m, p, b, t ?? adminToken), output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
