/**
 * A private stack for the end-to-end benchmarks: a redis-server of its own on a free port, a fresh
 * PostgreSQL database (createDatabase + migrateUp), and the BUILT gateway and deck agent as separate
 * processes. Nothing here touches the shared Redis or another database, so concurrent test runs
 * neither disturb the benchmark nor are disturbed by it (they still share the CPUs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type * as DbLib from '@ivoryos/db';

export const ROOT = resolve(__dirname, '..', '..');
/** The built tree the apps run from (`node tools/build.mjs` writes dist/). */
export const DIST = resolve(ROOT, process.env['BENCH_DIST'] ?? 'dist');
/** The source tree the agent loads its deck file from (the working tree unless a snapshot is benchmarked). */
export const SRC = resolve(ROOT, process.env['BENCH_SRC'] ?? '.');
const PG_SERVER = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The database helpers and migrations of the build under test (not of the working tree). */
const db = (): typeof DbLib => require(join(DIST, 'libs/db/src/index.js')) as typeof DbLib;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, proc?: ManagedProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (proc && proc.exited) throw new Error(`${what}: ${proc.name} exited (${proc.exited})\n${proc.output()}`);
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${proc ? `\n${proc.output()}` : ''}`);
}

/** A child process we started; stopped by its own pid only. */
export class ManagedProcess {
  readonly proc: ChildProcess;
  exited: string | null = null;
  private readonly tail: string[] = [];

  constructor(readonly name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.proc = spawn(command, args, { cwd: SRC, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.tail.push(chunk.toString());
      if (this.tail.length > 50) this.tail.shift();
    };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    const logDir = process.env['BENCH_LOG_DIR'];
    if (logDir) {
      const out = createWriteStream(join(logDir, `${name}-${Date.now()}.log`));
      this.proc.stdout?.pipe(out);
      this.proc.stderr?.pipe(out);
    }
    this.proc.on('exit', (code, signal) => (this.exited = `code ${code}, signal ${signal}`));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  output(): string {
    return this.tail.join('').slice(-4000);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    await Promise.race([done, sleep(5000)]);
    if (!this.exited) {
      this.proc.kill('SIGKILL');
      await Promise.race([done, sleep(2000)]);
    }
  }

  /** CPU time (user + system, ms) this process has used so far, from /proc. */
  cpuMs(): number {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
    } catch {
      return Number.NaN;
    }
  }
}

/** A minimal HTTP client on a keep-alive agent (no fetch/undici overhead in the measurement). */
export class Api {
  readonly agent: http.Agent;
  token = '';

  constructor(readonly base: string, sockets = 16) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: http.IncomingHttpHeaders }> {
    const url = new URL(path, this.base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolveReq, reject) => {
      const req = http.request(
        {
          host: url.hostname, port: url.port, path: url.pathname + url.search, method, agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON */
            }
            resolveReq({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async expect<T = unknown>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status}, expected ${status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface StackOptions {
  /** Extra environment of the gateway and of the agent. */
  gatewayEnv?: NodeJS.ProcessEnv;
  agentEnv?: NodeJS.ProcessEnv;
  deck?: string;
  /** The deck module the agent serves (default the TypeScript demo; `examples/decks/python/abstract_sdl_py.py` for the Python one). */
  deckFile?: string;
  /** false: no agent (the bench starts its own, e.g. bench/scale.ts). */
  agent?: boolean;
}

export interface DatabaseInfo {
  url: string;
  name: string;
  version: string;
}

/** The whole private stack; `dispose()` stops what it started and drops the database. */
export class Stack {
  readonly tmp = mkdtempSync(join(os.tmpdir(), 'ivoryos-bench-'));
  readonly deck: string;
  redisUrl = '';
  db!: DatabaseInfo;
  api!: Api;
  redis?: ManagedProcess;
  gateway?: ManagedProcess;
  agent?: ManagedProcess;

  constructor(private readonly options: StackOptions = {}) {
    this.deck = options.deck ?? `bench_${randomBytes(3).toString('hex')}`;
  }

  /** Starts everything; on failure stops what did start (and drops the database) before rethrowing. */
  async start(): Promise<this> {
    try {
      await this.startRedis();
      await this.createDatabase();
      await this.startGateway();
      if (this.options.agent !== false) await this.startAgent();
      return this;
    } catch (err) {
      await this.dispose().catch(() => undefined);
      throw err;
    }
  }

  private async startRedis(): Promise<void> {
    const port = await freePort();
    const dir = join(this.tmp, 'redis');
    mkdirSync(dir, { recursive: true });
    this.redis = new ManagedProcess('redis-server', 'redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction',
    ], process.env);
    this.redisUrl = `redis://127.0.0.1:${port}`;
    await waitUntil('redis', () => new Promise<true | undefined>((r) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.write('PING\r\n');
      });
      s.on('data', (d) => {
        s.destroy();
        r(d.toString().includes('PONG') ? true : undefined);
      });
      s.on('error', () => r(undefined));
    }), 10_000, this.redis);
  }

  private async createDatabase(): Promise<void> {
    const name = `ivoryos_bench_${randomBytes(4).toString('hex')}`;
    const url = db().withDatabase(PG_SERVER, name);
    await db().createDatabase(url);
    await db().migrateUp(url);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string }>('select version() as v');
      this.db = { url, name, version: rows[0]?.v ?? '?' };
    } finally {
      await client.end();
    }
  }

  private async startGateway(): Promise<void> {
    const port = await freePort();
    const nodeArgs = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    this.gateway = new ManagedProcess('gateway', process.execPath, [...nodeArgs, join(DIST, 'apps/gateway/src/main.js')], {
      ...process.env,
      PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: this.db.url, REDIS_URL: this.redisUrl,
      IVORYOS_DATA_DIR: join(this.tmp, 'gateway-data'), LOG_LEVEL: 'warn', IVORYOS_ENV: 'development', IVORYOS_MIGRATE_ON_START: 'false',
      ...this.options.gatewayEnv,
    });
    this.api = new Api(`http://127.0.0.1:${port}`);
    await waitUntil('the gateway', async () => ((await this.api.request('GET', '/api/health/live')).status === 200 ? true : undefined), 60_000, this.gateway);
    const login = await this.api.expect<{ accessToken: string }>(200, 'POST', '/api/auth/login', { username: 'admin', password: 'admin' });
    this.api.token = login.accessToken;
  }

  private async startAgent(): Promise<void> {
    const nodeArgs = (process.env['BENCH_AGENT_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    this.agent = new ManagedProcess('deck-agent', process.execPath, [...nodeArgs, join(DIST, 'apps/deck-agent/src/cli.js'), this.options.deckFile ?? 'examples/decks/abstract_sdl.ts', '--name', this.deck], {
      ...process.env,
      REDIS_URL: this.redisUrl, IVORYOS_DATA_DIR: join(this.tmp, 'agent-data'), IVORYOS_SIM_DELAY_MS: '0', IVORYOS_HEARTBEAT_MS: '1000',
      IVORYOS_SIM_CALL_LOG: join(this.tmp, 'sim-calls.log'), LOG_LEVEL: 'warn',
      ...this.options.agentEnv,
    });
    await waitUntil('the deck online', async () => {
      const res = await this.api.request<{ online?: boolean }>('GET', `/api/decks/${this.deck}`);
      return res.status === 200 && res.body.online ? true : undefined;
    }, 60_000, this.agent);
  }

  async dispose(): Promise<void> {
    this.api?.close();
    await this.agent?.stop();
    await this.gateway?.stop();
    await this.redis?.stop();
    if (this.db) await db().dropDatabase(this.db.url).catch((err: Error) => console.error(`dropping ${this.db.name}: ${err.message}`));
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Machine line for the report: CPU, Node, load average now. */
export function machine(): string {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}`;
}

export function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Wall-clock ms since the epoch with sub-ms resolution; comparable between processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
