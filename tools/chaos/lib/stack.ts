/* The real system as OS processes for chaos scenarios: a private redis-server, a fresh PostgreSQL
   database, gateways from dist/apps/gateway, deck agents from dist/apps/deck-agent. Every child is
   registered with the scenario, so it is killed even when the scenario fails or times out. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { createDatabase, dropDatabase, migrateUp, withDatabase } from '@ivoryos/db';
import { freePort } from '@ivoryos/testing';
import { sleep, waitFor, type Scenario } from './scenario';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');
const GATEWAY_MAIN = join(ROOT, 'dist/apps/gateway/src/main.js');
const AGENT_CLI = join(ROOT, 'dist/apps/deck-agent/src/cli.js');
export const DEMO_DECK = join(ROOT, 'examples/decks/abstract_sdl.ts');
export const PG_URL = process.env.IVORYOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Set by run-all: databases of a scenario it had to kill are found and dropped by this tag. */
export const CHAOS_TAG = (process.env.IVORYOS_CHAOS_TAG ?? randomBytes(3).toString('hex')).replace(/[^a-z0-9]/g, '');
/** Gateway presence window for the scenarios: agents beat every 200 ms. */
export const OFFLINE_AFTER_MS = 1500;
/**
 * How long a process may take to start (gateway ready, agent registered). A second on an idle machine,
 * twenty and more on a loaded one: the machine's time, not a recovery guarantee, which each scenario
 * checks with its own deadline once the process is up.
 */
export const START_MS = 90_000;
export const HEARTBEAT_MS = 200;

export function assertBuilt(): void {
  for (const file of [GATEWAY_MAIN, AGENT_CLI]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`node tools/build.mjs\` first`);
  }
}

/** A temporary directory removed at cleanup. */
export function tempDir(s: Scenario, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ivoryos-chaos-${prefix}-`));
  s.defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A child process whose last output lines are kept for failure reports. */
export class Proc {
  private child: ChildProcess | undefined;
  private readonly tail: string[] = [];
  private exitedPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  private unregister: (() => void) | undefined;

  constructor(
    private readonly s: Scenario,
    readonly label: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {
    s.defer(`stop ${label}`, async () => void (await this.kill('SIGKILL')));
    if (command !== 'redis-server') s.diagnose(label, () => this.output(15));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exitedPromise;
  }

  output(lines = 20): string {
    return this.tail.slice(-lines).join('\n');
  }

  spawn(): void {
    if (this.running) throw new Error(`${this.label} is already running`);
    // Same process group as the scenario: run-all can end everything at once if the scenario hangs.
    const child = spawn(this.command, this.args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.tail.push(line);
      if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 200);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exitedPromise = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    this.unregister?.();
    this.unregister = this.s.atExit(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }

  /** Sends the signal and waits (bounded) for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', waitMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    const child = this.child;
    if (!child || !this.running) return undefined;
    child.kill(signal);
    const timer = sleep(waitMs).then(() => undefined);
    const result = await Promise.race([this.exitedPromise, timer]);
    if (!result && this.running) {
      child.kill('SIGKILL');
      return this.exitedPromise;
    }
    return result;
  }
}

/** A redis-server of the scenario's own: FLUSHALL and restarts touch nobody else. */
export class RedisServer {
  readonly url: string;
  private readonly proc: Proc;

  private constructor(s: Scenario, readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`;
    this.proc = new Proc(s, `redis-server :${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], process.env);
  }

  static async start(s: Scenario): Promise<RedisServer> {
    const r = new RedisServer(s, await freePort());
    await r.up();
    return r;
  }

  async up(): Promise<void> {
    this.proc.spawn();
    await waitFor(`redis-server on port ${this.port}`, async () => (await this.command((c) => c.ping())) === 'PONG', 10_000, 50);
  }

  /** Gone with its data (it never persists): a restart comes back empty. */
  async down(): Promise<void> {
    await this.proc.kill('SIGKILL');
  }

  flushAll(): Promise<unknown> {
    return this.command((c) => c.flushall());
  }

  async command<T>(fn: (c: IORedis) => Promise<T>): Promise<T> {
    const c = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return await fn(c);
    } finally {
      c.disconnect();
    }
  }
}

/** A fresh, migrated PostgreSQL database of the scenario's own, dropped at cleanup. */
export async function createChaosDatabase(s: Scenario): Promise<string> {
  const url = withDatabase(PG_URL, `ivoryos_chaos_${CHAOS_TAG}_${randomBytes(4).toString('hex')}`);
  await createDatabase(url);
  s.defer('drop the database', () => dropDatabase(url));
  // The migrator narrates each migration on stdout; a scenario's output is its checks.
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await migrateUp(url);
  } finally {
    process.stdout.write = write;
  }
  return url;
}

/** One query against the scenario's database (outside the gateway: what PostgreSQL really holds). */
export async function sql<T extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export interface GatewayOptions {
  dbUrl: string;
  redisUrl: string;
  /** Kept across restarts of the same gateway. */
  dataDir: string;
  /** Shared by replicas so a token from one works on the other. */
  jwtSecret: string;
  env?: Record<string, string>;
}

/** The real gateway (dist/apps/gateway/src/main.js) as its own process on a port of its own. */
export class GatewayProcess {
  readonly url: string;
  private readonly proc: Proc;

  private constructor(s: Scenario, readonly name: string, readonly port: number, opts: GatewayOptions) {
    this.url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port), HOST: '127.0.0.1', IVORYOS_ENV: 'test', DATABASE_URL: opts.dbUrl, REDIS_URL: opts.redisUrl,
      IVORYOS_DATA_DIR: opts.dataDir, IVORYOS_JWT_SECRET: opts.jwtSecret, IVORYOS_DECK_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      // The scenario migrated the database already; replicas starting together must not race on it.
      IVORYOS_MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn', ...opts.env,
    };
    delete env.IVORYOS_DB_URI;
    this.proc = new Proc(s, `gateway ${name}`, process.execPath, [GATEWAY_MAIN], env);
  }

  static async start(s: Scenario, name: string, opts: GatewayOptions, port?: number): Promise<GatewayProcess> {
    const gw = new GatewayProcess(s, name, port ?? (await freePort()), opts);
    await gw.start();
    return gw;
  }

  get running(): boolean {
    return this.proc.running;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.proc.exited;
  }

  output(lines?: number): string {
    return this.proc.output(lines);
  }

  /** Starts the process and waits until it answers readiness (database and Redis up). */
  async start(): Promise<void> {
    this.proc.spawn();
    await waitFor(`gateway ${this.name} to answer ready`, async () => {
      if (!this.proc.running) throw new Error(`exited: ${this.proc.output(5)}`);
      const res = await fetch(`${this.url}/api/health/ready`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200;
    }, START_MS, 100);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): ReturnType<Proc['kill']> {
    return this.proc.kill(signal);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.proc.pid !== undefined && this.proc.running) process.kill(this.proc.pid, signal);
  }
}

export interface CallLine {
  /** When the driver call started (the deck's clock). */
  at: Date;
  instrument: string;
  method: string;
  args: Record<string, unknown>;
  /** "sdl equilibrate {"duration":0.1,"temp":3}" with sorted argument keys. */
  text: string;
}

/** The real deck agent (dist/apps/deck-agent/src/cli.js) serving the simulated demo deck. */
export class AgentProcess {
  readonly callLog: string;
  private readonly proc: Proc;

  constructor(s: Scenario, readonly deck: string, redisUrl: string, dataDir: string) {
    this.callLog = join(dataDir, 'sim-calls.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: redisUrl, IVORYOS_DATA_DIR: dataDir, IVORYOS_HEARTBEAT_MS: String(HEARTBEAT_MS), IVORYOS_SIM_DELAY_MS: '0',
      IVORYOS_SIM_CALL_LOG: this.callLog, LOG_LEVEL: 'warn',
    };
    delete env.IVORYOS_DECK_NAME;
    this.proc = new Proc(s, `agent ${deck}`, process.execPath, [AGENT_CLI, DEMO_DECK, '--name', deck], env);
  }

  get running(): boolean {
    return this.proc.running;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.proc.exited;
  }

  output(lines?: number): string {
    return this.proc.output(lines);
  }

  start(): void {
    this.proc.spawn();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): ReturnType<Proc['kill']> {
    return this.proc.kill(signal);
  }

  /** Driver calls started so far, oldest first, from the demo deck's own call log (never from our records). */
  calls(): CallLine[] {
    return readCallLog(this.callLog);
  }
}

/** The demo deck's call log (IVORYOS_SIM_CALL_LOG), oldest first; empty before the first call. */
export function readCallLog(path: string): CallLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [at, instrument, method, ...rest] = l.split(' ');
      const args = JSON.parse(rest.join(' ') || '{}') as Record<string, unknown>;
      return { at: new Date(at), instrument, method, args, text: callText(instrument, method, args) };
    });
}

/** The call-log form of a driver call, keys sorted: steps and log lines compare by it. */
export function callText(instrument: string, method: string, args: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.keys(args).sort().map((k) => [k, args[k]]));
  return `${instrument.replace(/^deck\./, '')} ${method} ${JSON.stringify(sorted)}`;
}

export function uniqueDeck(prefix: string): string {
  return `chaos_${prefix}_${randomBytes(3).toString('hex')}`;
}

/**
 * A TCP forwarder standing in for the network between the gateway and PostgreSQL: `cut` stops
 * accepting and destroys every open connection (as a failed database host would), `restore` listens
 * again on the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(s: Scenario, target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    s.defer('close the database proxy', () => proxy.cut());
    return proxy;
  }

  restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target);
      for (const sock of [client, upstream]) {
        this.sockets.add(sock);
        sock.on('close', () => this.sockets.delete(sock));
        sock.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((res, rej) => {
      server.once('error', rej);
      server.listen(this.port, '127.0.0.1', () => res());
    });
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    if (server) await new Promise((r) => server.close(() => r(undefined)));
  }
}
