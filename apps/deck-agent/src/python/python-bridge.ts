import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  PYTHON_BRIDGE_PROTOCOL,
  type BridgeAnswer, type BridgeError, type BridgeEvent, type BridgeRequest, type JsonObject, type PythonDeckSchema, type PythonInfo,
} from '@ivoryos/contracts';

/** The bridge script: next to the compiled agent in dist/, next to the sources in the repository. */
export const BRIDGE_SCRIPT = join(__dirname, '..', '..', 'python', 'ivoryos_bridge.py');

export type EntryMode = 'auto' | 'import' | 'main';

export interface BridgeOptions {
  python: string;
  deckFile: string;
  entry: EntryMode;
  /** Given to the deck as `sys.argv[1:]`. */
  deckArgs: string[];
  env: NodeJS.ProcessEnv;
  /** Driver output: print(), logging, stderr lines. `id` is the bridge call id it belongs to, when known. */
  onOutput: (output: BridgeOutput) => void;
  /** The child ended (any reason), after every pending call was answered as interrupted. */
  onExit?: (exit: BridgeExit) => void;
}

export interface BridgeOutput {
  id: number | null;
  stream: 'stdout' | 'stderr' | 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  logger?: string;
  text: string;
}

export interface BridgeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string[];
}

export interface BridgeStarted {
  python: PythonInfo;
  pid: number;
  schema: PythonDeckSchema;
  /** Spawn to `hello` (interpreter start) and to `ready` (plus the deck's import and introspection). */
  helloMs: number;
  readyMs: number;
  loadMs: number;
}

/** The child ended while a call was waiting for its answer: whether the driver call completed is unknown. */
export class BridgeExitedError extends Error {
  constructor(readonly exit: BridgeExit) {
    super(`the Python bridge exited (${describeExit(exit)}) during the call`);
  }
}

/** The deck could not be imported; carries the deck's own traceback. */
export class DeckLoadError extends Error {
  constructor(readonly error: BridgeError | null, readonly exit: BridgeExit | null) {
    super(error
      ? `the Python deck failed to load: ${error.type}: ${error.message}\n${error.traceback}`
      : `the Python bridge exited before the deck was ready (${exit ? describeExit(exit) : 'unknown'})${exit?.stderrTail.length ? `:\n${exit.stderrTail.join('\n')}` : ''}`);
  }
}

export function describeExit(exit: Pick<BridgeExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

const STDERR_TAIL = 40;

/** One long-lived Python child serving one deck over JSON lines. */
export class PythonBridge {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly pending = new Map<number, { resolve: (answer: BridgeAnswer) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private stderrTail: string[] = [];
  private exited: BridgeExit | null = null;
  private exitWaiters: (() => void)[] = [];

  constructor(private readonly options: BridgeOptions) {}

  get alive(): boolean {
    return this.child !== null && this.exited === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Calls waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Spawns the child and waits for the deck to be imported. Rejects with DeckLoadError. */
  start(readyTimeoutMs = 10 * 60_000): Promise<BridgeStarted> {
    if (!existsSync(BRIDGE_SCRIPT)) throw new Error(`the Python bridge script is missing: ${BRIDGE_SCRIPT}`);
    const o = this.options;
    const began = performance.now();
    const args = ['-u', BRIDGE_SCRIPT, '--deck', o.deckFile, '--entry', o.entry, ...(o.deckArgs.length ? ['--', ...o.deckArgs] : [])];
    // cwd is the deck's folder, so relative data paths resolve as they do under `python deck.py`.
    const child = spawn(o.python, args, { cwd: dirname(o.deckFile), env: o.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    let hello: Extract<BridgeEvent, { event: 'hello' }> | null = null;
    let helloMs = 0;

    return new Promise<BridgeStarted>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => settle(() => {
        child.kill('SIGKILL');
        reject(new DeckLoadError({ type: 'Timeout', message: `the deck was not ready within ${readyTimeoutMs / 1000} s`, traceback: '' }, null));
      }), readyTimeoutMs);
      timer.unref();

      this.readLines(child.stdout, (line) => {
        const message = parseLine(line);
        if (!message) {
          o.onOutput({ id: null, stream: 'stderr', level: 'warn', text: `unreadable protocol line: ${line.slice(0, 500)}` });
          return;
        }
        if ('event' in message) {
          if (message.event === 'hello') {
            hello = message;
            helloMs = performance.now() - began;
            if (message.protocol !== PYTHON_BRIDGE_PROTOCOL) {
              settle(() => reject(new DeckLoadError({ type: 'ProtocolError', message: `bridge protocol ${message.protocol}, agent speaks ${PYTHON_BRIDGE_PROTOCOL}`, traceback: '' }, null)));
              child.kill('SIGKILL');
            }
          } else if (message.event === 'ready') {
            const readyMs = performance.now() - began;
            const info = hello;
            settle(() => resolve({ python: info?.python ?? unknownPython(), pid: child.pid ?? 0, schema: message.schema, helloMs, readyMs, loadMs: message.load_ms }));
          } else if (message.event === 'load_error') {
            const error = message.error;
            settle(() => reject(new DeckLoadError(error, null)));
          } else {
            this.event(message);
          }
          return;
        }
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        waiter.resolve(message);
      });
      this.readLines(child.stderr, (line) => {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
        o.onOutput({ id: null, stream: 'stderr', level: 'warn', text: line });
      });
      child.on('error', (err) => settle(() => reject(new DeckLoadError({ type: 'SpawnError', message: `${o.python}: ${err.message}`, traceback: '' }, null))));
      // 'exit', not 'close': a grandchild that inherited stderr keeps the pipes open after the bridge died.
      child.on('exit', (code, signal) => {
        const exit: BridgeExit = { code, signal, stderrTail: [...this.stderrTail] };
        this.exited = exit;
        for (const [id, waiter] of this.pending) {
          this.pending.delete(id);
          waiter.reject(new BridgeExitedError(exit));
        }
        settle(() => reject(new DeckLoadError(null, exit)));
        for (const wake of this.exitWaiters.splice(0)) wake();
        o.onExit?.(exit);
      });
      child.stdin.on('error', () => undefined); // EPIPE after the child died: the exit handler reports it
    });
  }

  /** One driver call. Rejects with BridgeExitedError when the child dies before answering. */
  call(instrument: string, action: string, kwargs: JsonObject): Promise<BridgeAnswer> {
    return this.request({ id: this.nextId++, method: 'call', instrument, action, kwargs });
  }

  ping(): Promise<BridgeAnswer> {
    return this.request({ id: this.nextId++, method: 'ping' });
  }

  private request(message: BridgeRequest): Promise<BridgeAnswer> {
    const child = this.child;
    if (!child || this.exited) return Promise.reject(new BridgeExitedError(this.exited ?? { code: null, signal: null, stderrTail: [] }));
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Asks the child to finish (the call in progress gets `graceS`), then kills it if it has not exited. */
  async stop(graceS = 5): Promise<BridgeExit | null> {
    const child = this.child;
    if (!child) return null;
    if (!this.exited) {
      child.stdin.write(`${JSON.stringify({ id: this.nextId++, method: 'shutdown', grace_s: graceS })}\n`);
      child.stdin.end();
      const gone = await this.waitExit((graceS + 5) * 1000);
      if (!gone) {
        child.kill('SIGKILL');
        await this.waitExit(5000);
      }
    }
    return this.exited;
  }

  /** Ends the child at once (operator restart of a hung bridge). Pending calls become interrupted. */
  async kill(): Promise<void> {
    if (!this.child || this.exited) return;
    this.child.kill('SIGKILL');
    await this.waitExit(10_000);
  }

  private waitExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      timer.unref();
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private event(message: BridgeEvent): void {
    const out = this.options.onOutput;
    switch (message.event) {
      case 'stdout':
      case 'stderr':
        for (const text of message.text.split('\n')) out({ id: message.id, stream: message.event, level: message.event === 'stdout' ? 'info' : 'warn', text });
        return;
      case 'log':
        out({ id: message.id, stream: 'log', level: logLevel(message.level), logger: message.logger, text: message.message });
        return;
      case 'protocol_error':
        out({ id: null, stream: 'stderr', level: 'error', text: `bridge protocol error: ${message.message}` });
        return;
      default:
        return;
    }
  }

  private readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let at = buffered.indexOf('\n');
      while (at >= 0) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        if (line.length) onLine(line);
        at = buffered.indexOf('\n');
      }
    });
    stream.on('end', () => {
      if (buffered.length) onLine(buffered);
      buffered = '';
    });
  }
}

function parseLine(line: string): BridgeAnswer | BridgeEvent | null {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    if ('event' in value || ('id' in value && 'ok' in value)) return value as BridgeAnswer | BridgeEvent;
    return null;
  } catch {
    return null;
  }
}

function logLevel(level: string): BridgeOutput['level'] {
  if (level === 'debug') return 'debug';
  if (level === 'warning' || level === 'warn') return 'warn';
  if (level === 'error' || level === 'critical') return 'error';
  return 'info';
}

function unknownPython(): PythonInfo {
  return { version: 'unknown', executable: 'unknown', prefix: 'unknown', venv: false };
}
