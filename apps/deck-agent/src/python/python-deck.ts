import type { DeckSchema, JsonObject } from '@ivoryos/contracts';
import { StepInterruptedError } from '@ivoryos/workflow';
import { ActionNotFoundError, findAction, InvalidArgumentsError, type Invoker } from '../invoke';
import type { Logger } from '../logger';
import { BridgeExitedError, describeExit, PythonBridge, type BridgeExit, type BridgeOutput, type BridgeStarted, type EntryMode } from './python-bridge';
import type { PythonInterpreter } from './python-interpreter';
import { toDeckSchema } from './python-schema';

export interface PythonDeckOptions {
  deck: string;
  deckFile: string;
  interpreter: PythonInterpreter;
  entry: EntryMode;
  deckArgs: string[];
  /** The child's environment (IVORYOS_SIM_CALL_LOG and the deck's own settings pass through). */
  env: NodeJS.ProcessEnv;
  /** IVORYOS_CALL_TIMEOUT_S: a call not answered by then fails; the deck stays held until it returns. */
  callTimeoutS?: number;
  logger: Logger;
  /** Driver output of a call, for the run log of the run it belongs to. */
  onOutput?: (output: BridgeOutput) => void;
}

/** A driver call failed in Python: the step error carries the exception's type, message and traceback. */
export class PythonCallError extends Error {
  constructor(readonly type: string, message: string, readonly traceback: string) {
    super(traceback && !traceback.startsWith(`${type}:`) ? `${type}: ${message}\n${traceback}` : `${type}: ${message}`);
  }
}

export class CallTimeoutError extends Error {}

/**
 * A Python deck behind the agent's Invoker: one bridge child, restarted only when no call is in flight
 * (on the next call after it died, which an operator's retry is, or on an operator's restart).
 */
export class PythonDeck implements Invoker {
  private bridge: PythonBridge | null = null;
  private current: DeckSchema | null = null;
  /** A call answered as timed out that the driver has not finished: the next call waits for it. */
  private held: Promise<void> | null = null;
  private calls = 0;
  private lastExit: BridgeExit | null = null;
  private restarting: Promise<void> | null = null;
  /** The bridge is being ended on purpose (stop, restart): its exit is not a fault. */
  private ending = false;
  started: BridgeStarted | null = null;

  constructor(private readonly options: PythonDeckOptions) {}

  get schema(): DeckSchema {
    if (!this.current) throw new Error('the Python deck has not started');
    return this.current;
  }

  /** The bridge died and was not restarted yet. */
  get degraded(): boolean {
    return this.bridge !== null && !this.bridge.alive;
  }

  get pid(): number | undefined {
    return this.bridge?.alive ? this.bridge.pid : undefined;
  }

  /** Spawns the bridge and imports the deck. Throws DeckLoadError with the deck's traceback. */
  async start(): Promise<DeckSchema> {
    const o = this.options;
    const bridge = new PythonBridge({
      python: o.interpreter.executable,
      deckFile: o.deckFile,
      entry: o.entry,
      deckArgs: o.deckArgs,
      env: o.env,
      onOutput: (output) => this.output(output),
      onExit: (exit) => this.exited(bridge, exit),
    });
    this.bridge = bridge;
    const started = await bridge.start();
    this.started = started;
    const schema = toDeckSchema(started.schema, o.deck);
    for (const warning of started.schema.deck.warnings) o.logger.warn({ deckFile: o.deckFile }, `python deck: ${warning}`);
    for (const [name, reason] of Object.entries(started.schema.failed)) o.logger.warn({ instrument: name, reason }, 'python deck: instrument could not be introspected');
    o.logger.info({
      pythonPid: started.pid, python: started.python.executable, pythonVersion: started.python.version, entry: started.schema.deck.entry,
      helloMs: Math.round(started.helloMs), readyMs: Math.round(started.readyMs), importMs: Math.round(started.loadMs),
      instruments: Object.keys(schema.instruments),
    }, 'python bridge ready');
    if (this.current && this.current.hash !== schema.hash) {
      o.logger.warn({ before: this.current.hash, after: schema.hash }, 'the restarted Python deck has another interface than the one registered; restart the agent to register it');
    } else if (!this.current) {
      this.current = schema;
    }
    return this.current ?? schema;
  }

  async invoke(instrument: string, action: string, kwargs: JsonObject): Promise<unknown> {
    if (!findAction(this.schema, instrument, action)) throw new ActionNotFoundError(`${instrument} has no action '${action}' in the registered schema`);
    if (this.held) {
      this.options.logger.info({ instrument, action }, 'waiting for the timed-out driver call to end before this call');
      await this.held;
    }
    if (this.restarting) await this.restarting;
    if (!this.bridge?.alive) await this.restart('the bridge had exited; restarted for the next call');
    const bridge = this.bridge as PythonBridge;
    this.calls += 1;
    const answer = bridge.call(instrument, action, kwargs);
    let result;
    try {
      result = await this.withTimeout(answer, instrument, action);
    } catch (err) {
      if (err instanceof BridgeExitedError) {
        throw new StepInterruptedError(`the Python bridge exited (${describeExit(err.exit)}) during ${instrument}.${action}`);
      }
      throw err;
    }
    if (result.ok) return result.output;
    const { type, message, traceback } = result.error;
    if (type === 'ArgumentError') throw new InvalidArgumentsError(message);
    if (type === 'NotFound') throw new ActionNotFoundError(message);
    throw new PythonCallError(type, message, traceback);
  }

  private async withTimeout<T>(answer: Promise<T>, instrument: string, action: string): Promise<T> {
    const limit = this.options.callTimeoutS;
    if (!limit) return answer;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeoutError(`Timeout: ${instrument}.${action} did not return within ${limit} s; ` +
        'the deck stays held until the driver call returns or the bridge is restarted (POST /api/decks/<deck>/restart)')), limit * 1000);
    });
    try {
      return await Promise.race([answer, timedOut]);
    } catch (err) {
      if (err instanceof CallTimeoutError) {
        this.options.logger.warn({ instrument, action, timeoutS: limit }, 'driver call timed out; the deck stays held until it returns');
        const held = answer.then(
          () => this.options.logger.info({ instrument, action }, 'the timed-out driver call returned; the deck is free'),
          () => this.options.logger.warn({ instrument, action }, 'the timed-out driver call ended with an error or an exit'),
        ).finally(() => {
          if (this.held === held) this.held = null;
        });
        this.held = held;
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Operator restart (POST /api/decks/<deck>/restart): the way out of a hung or dead bridge. A call still
   * running is cut: its step becomes interrupted. The deck's import runs again (constructors, homing).
   */
  async restart(reason: string): Promise<void> {
    if (this.restarting) return this.restarting;
    const run = async () => {
      const old = this.bridge;
      this.options.logger.warn({ reason, inFlight: old?.inFlight ?? 0 }, 'restarting the Python bridge');
      this.ending = true;
      try {
        if (old?.alive) {
          if (old.inFlight > 0) await old.kill();
          else await old.stop(2);
        }
      } finally {
        this.ending = false;
      }
      await this.start();
    };
    this.restarting = run().finally(() => {
      this.restarting = null;
    });
    return this.restarting;
  }

  async stop(): Promise<void> {
    this.ending = true;
    const exit = await this.bridge?.stop(5);
    if (exit) this.options.logger.info({ code: exit.code, signal: exit.signal }, 'python bridge stopped');
  }

  private output(output: BridgeOutput): void {
    const log = this.options.logger;
    const fields = { source: 'python', stream: output.stream, ...(output.logger ? { logger: output.logger } : {}), bridgeCall: output.id };
    log[output.level](fields, output.text);
    this.options.onOutput?.(output);
  }

  private exited(bridge: PythonBridge, exit: BridgeExit): void {
    if (bridge !== this.bridge || this.ending) return;
    this.lastExit = exit;
    const fields = { code: exit.code, signal: exit.signal, stderrTail: exit.stderrTail.slice(-10), calls: this.calls };
    if (this.started) this.options.logger.error(fields, 'the Python bridge exited; the deck is degraded until the next call or an operator restart');
  }

  get lastExitInfo(): BridgeExit | null {
    return this.lastExit;
  }
}
