/* Helpers for the agent's integration tests: real agent processes from the build output, the
   deck's stream read back from Redis, a private redis-server, bounded waits. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { BULL_PREFIX, DECK_SET_KEY, STREAM_FIELD, queueNames, streamKeys, type AgentMessage } from '@ivoryos/contracts';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const CLI = join(ROOT, 'dist/apps/deck-agent/src/cli.js');
export const DEMO_DECK = join(ROOT, 'examples/decks/abstract_sdl.ts');
export const TEST_REDIS_URL = process.env['IVORYOS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A deck name no other test or engineer uses, so only its own keys are touched. */
export function uniqueDeck(): string {
  return `t_${randomBytes(5).toString('hex')}`;
}

/** Fails with a clear message when the agent was not built, or its build is older than its source. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the agent's integration tests`);
  const src = join(ROOT, 'apps/deck-agent/src');
  for (const file of listTs(src)) {
    const built = join(ROOT, 'dist', file.slice(ROOT.length + 1).replace(/\.ts$/, '.js'));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs) {
      throw new Error(`${built} is older than ${file}: run \`npm run build\` before the agent's integration tests`);
    }
  }
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : listTs(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface LogLine {
  level: number;
  msg: string;
  deck?: string;
  pid?: number;
  [key: string]: unknown;
}

export interface AgentProcessOptions {
  deck: string;
  dataDir: string;
  redisUrl?: string;
  heartbeatMs?: number;
  deckFile?: string;
  /** Command to run instead of the CLI (e.g. a deck executed directly). */
  command?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  extraArgs?: string[];
}

/** One agent OS process; its stdout (JSON log lines) and stderr are collected. */
export class AgentProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(options: AgentProcessOptions) {
    const args = options.command ?? [
      CLI,
      options.deckFile ?? DEMO_DECK,
      '--name', options.deck,
      '--data-dir', options.dataDir,
      '--redis', options.redisUrl ?? TEST_REDIS_URL,
      '--heartbeat-ms', String(options.heartbeatMs ?? 100),
      ...(options.extraArgs ?? []),
    ];
    this.child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, LOG_LEVEL: 'debug', IVORYOS_SIM_DELAY_MS: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collectLines(this.child.stdout, this.stdout);
    collectLines(this.child.stderr, this.stderr);
    this.exited = new Promise((res) => this.child.once('exit', (code, signal) => res({ code, signal })));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('agent process did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  logs(): LogLine[] {
    return this.stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  }

  waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    return waitFor(`${what} (stderr: ${this.stderr.slice(-5).join(' | ')})`, () => {
      if (!this.running && !this.logs().some(match)) throw new Error(`agent exited: ${this.stderr.slice(-10).join('\n')}`);
      return this.logs().find(match);
    }, timeoutMs);
  }

  /** Stops the process if a test left it running. */
  async dispose(): Promise<void> {
    if (this.running) {
      this.kill('SIGKILL');
      await this.exited;
    }
  }
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts.filter((p) => p.length));
  });
}

export interface StreamMessage {
  id: string;
  message: AgentMessage;
}

/** Every agent message on the deck's events stream, oldest first. */
export async function streamMessages(redis: Redis, deck: string): Promise<StreamMessage[]> {
  const entries = await redis.xrange(streamKeys.events(deck), '-', '+');
  return entries.map(([id, fields]) => {
    const at = fields.indexOf(STREAM_FIELD);
    return { id, message: JSON.parse(fields[at + 1] ?? 'null') as AgentMessage };
  });
}

export function waitForMessage<K extends AgentMessage['kind']>(
  redis: Redis,
  deck: string,
  kind: K,
  match: (m: Extract<AgentMessage, { kind: K }>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Extract<AgentMessage, { kind: K }>> {
  return waitFor(`a '${kind}' message on ${streamKeys.events(deck)}`, async () => {
    const found = (await streamMessages(redis, deck)).map((s) => s.message).find((m): m is Extract<AgentMessage, { kind: K }> => m.kind === kind && match(m as Extract<AgentMessage, { kind: K }>));
    return found;
  }, timeoutMs);
}

/** Removes everything the test deck left in Redis (its stream, set membership and queue). */
export async function cleanupDeck(redisUrl: string, deck: string): Promise<void> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(streamKeys.events(deck));
    await redis.srem(DECK_SET_KEY, deck);
    const queue = new Queue(queueNames.deck(deck), { connection: redis, prefix: BULL_PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
  } finally {
    redis.disconnect();
  }
}

/** Lines of the demo deck's call log, without their timestamps: "sdl measure {}". */
export function callLog(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length)
    .map((l) => l.slice(l.indexOf(' ') + 1));
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? res(address.port) : rej(new Error('no port'))));
    });
  });
}

/** A throw-away redis-server of this test's own, so it can be stopped and started again. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await waitFor(`redis-server on port ${this.port}`, async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      }, 10_000, 50);
    } finally {
      probe.disconnect();
    }
  }

  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }
}
