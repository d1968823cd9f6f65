/**
 * Abstract self-driving lab: IvoryOS's demo deck with simulated instruments.
 *
 * Every exported object instance is an instrument (`deck.sdl`, `deck.balance`, ...); its public
 * methods are the actions. Types, defaults and doc comments become the forms of the UI.
 * Methods whose names start with `_` are helpers and stay hidden.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { int } from '@ivoryos/deck';

// ---- Simulation settings: read once, here only ---------------------------------------------
/** Simulated duration of each instrument call in ms (`IVORYOS_SIM_DELAY_MS`, default 50; 0 = instant). */
const SIM_DELAY_MS = readDelay(process.env['IVORYOS_SIM_DELAY_MS'], 50);
/** Every call appends one line here when it starts, so a killed process still leaves its trace. */
const SIM_CALL_LOG = process.env['IVORYOS_SIM_CALL_LOG'] || 'ivoryos_data/sim-calls.log';
// ---------------------------------------------------------------------------------------------

function readDelay(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`IVORYOS_SIM_DELAY_MS must be a whole number of ms >= 0, got "${text}"`);
  return ms;
}

let logDirReady = false;

/** One line per call: ISO time, instrument, method, JSON arguments. */
function recordCall(instrument: string, method: string, args: Record<string, unknown> = {}): void {
  if (!logDirReady) {
    mkdirSync(dirname(SIM_CALL_LOG), { recursive: true });
    logDirReady = true;
  }
  appendFileSync(SIM_CALL_LOG, `${new Date().toISOString()} ${instrument} ${method} ${JSON.stringify(args)}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const simulateWork = (): Promise<void> => sleep(SIM_DELAY_MS);

export enum Solvent {
  Methanol = 'Methanol',
  Ethanol = 'Ethanol',
  Acetone = 'Acetone',
}

/** Analytical balance on a serial port. */
export class AbstractBalance {
  private tareOffsetMg = 0;

  constructor(readonly port: string) {}

  /** Weigh the sample on the pan, in mg. */
  weigh_sample(): number {
    recordCall('balance', 'weigh_sample');
    return 100 + this.tareOffsetMg;
  }

  /**
   * Dose solid onto the pan.
   * @param amount_in_mg mass to dose, in mg
   */
  async dose_solid(amount_in_mg: number): Promise<void> {
    recordCall('balance', 'dose_solid', { amount_in_mg });
    await simulateWork();
  }

  /** Offset subtracted from every reading, in mg. */
  get tare_offset(): number {
    recordCall('balance', 'tare_offset');
    return this.tareOffsetMg;
  }

  set tare_offset(value: number) {
    recordCall('balance', 'tare_offset_(setter)', { value });
    this.tareOffsetMg = value;
  }
}

/** Syringe pump on a serial port. */
export class AbstractPump {
  constructor(readonly port: string) {}

  /**
   * Dose liquid.
   * @param amount_in_ml volume, in ml
   * @param rate_ml_per_minute flow rate, in ml/min
   */
  async dose_liquid(amount_in_ml: number, rate_ml_per_minute = 1): Promise<void> {
    recordCall('pump', 'dose_liquid', { amount_in_ml, rate_ml_per_minute });
    await simulateWork();
  }
}

/** The self-driving lab: doses, equilibrates and analyzes with the pump and the balance. */
export class AbstractSDL {
  private errorCalls = 0;
  private failOnceCalls = 0;

  constructor(
    private readonly pump: AbstractPump,
    private readonly balance: AbstractBalance,
  ) {}

  /** analyze current chemical */
  async analyze(param_1: int, param_2: int): Promise<number> {
    recordCall('sdl', 'analyze', { param_1, param_2 });
    await simulateWork();
    return Math.random();
  }

  /** dose current chemical */
  async dose_solid(amount_in_mg = 5, solid_name = 'acetaminophen'): Promise<number> {
    recordCall('sdl', 'dose_solid', { amount_in_mg, solid_name });
    await this.balance.dose_solid(amount_in_mg);
    this.balance.weigh_sample();
    await simulateWork();
    return 1;
  }

  /**
   * Dose a solvent with the pump.
   * @param solvent_name solvent to dose; Methanol when not given
   */
  async dose_solvent(solvent_name?: Solvent, amount_in_ml = 5, rate_ml_per_minute = 1): Promise<number> {
    recordCall('sdl', 'dose_solvent', { solvent_name: solvent_name ?? null, amount_in_ml, rate_ml_per_minute });
    await this.pump.dose_liquid(amount_in_ml, rate_ml_per_minute);
    this.balance.weigh_sample();
    await simulateWork();
    return 1;
  }

  /**
   * Hold the temperature. Takes `duration` seconds of real time, whatever the simulated delay.
   * @param temp target temperature, in °C
   * @param duration hold time, in s
   */
  async equilibrate(temp: number, duration: number): Promise<void> {
    recordCall('sdl', 'equilibrate', { temp, duration });
    await sleep(duration * 1000);
  }

  /** Read [absorbance, temperature in °C, status]. */
  measure(): [number, number, string] {
    recordCall('sdl', 'measure');
    return [Math.random(), 25, 'ok'];
  }

  /** Fails on two calls out of three (1st, 2nd, 4th, 5th, ...): exercises retry. */
  simulate_error(): void {
    recordCall('sdl', 'simulate_error');
    this.errorCalls += 1;
    if (this.errorCalls % 3 !== 0) throw new Error('error will clear after the 3rd retry');
  }

  /** Fails on its first call only. */
  fail_once(): void {
    recordCall('sdl', 'fail_once');
    this.failOnceCalls += 1;
    if (this.failOnceCalls === 1) throw new Error('first call fails; retry succeeds');
  }

  /** Fails on every call. */
  always_fail(): void {
    recordCall('sdl', 'always_fail');
    throw new Error('this step always fails');
  }

  /** A helper, hidden from the UI by its leading underscore. */
  _send_command(command: string): void {
    recordCall('sdl', '_send_command', { command });
  }
}

/** Answers at once, without simulated delay: for benchmarks of the orchestration itself. */
export class Bench {
  noop(x = 1): number {
    recordCall('bench', 'noop', { x });
    return x;
  }
}

// ---- Hardware on this deck ----
export const balance = new AbstractBalance('Fake com port 1');
export const pump = new AbstractPump('Fake com port 2');
export const sdl = new AbstractSDL(pump, balance);
export const bench = new Bench();

/** Brings the hardware to a safe state when a run is stopped at once. Not an action: functions are not instruments. */
export function safe_state(): void {
  recordCall('deck', 'safe_state');
}
