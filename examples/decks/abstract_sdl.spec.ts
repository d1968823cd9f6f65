import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeckSchema } from '@ivoryos/contracts';
import { introspectDeck } from '@ivoryos/introspection';
import type * as AbstractSdl from './abstract_sdl';

type Deck = typeof AbstractSdl;

const DECK_FILE = join(__dirname, 'abstract_sdl.ts');
const ROOT = join(__dirname, '..', '..');
const SIM_ENV = ['IVORYOS_SIM_DELAY_MS', 'IVORYOS_SIM_CALL_LOG'] as const;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ivoryos-abstract-sdl-'));
});
afterAll(() => {
  if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
});

/** A fresh copy of the deck module (new instruments, settings read again) under the given env. */
function loadDeck(env: Partial<Record<(typeof SIM_ENV)[number], string>>): Deck {
  const saved = SIM_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of SIM_ENV) {
    const value = env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    let deck: Deck | undefined;
    jest.isolateModules(() => {
      deck = jest.requireActual<Deck>(DECK_FILE);
    });
    return deck!;
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function callLogLines(file: string): string[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n');
}

/** The part of a call-log line after its timestamp; the timestamp itself is checked separately. */
function withoutTime(line: string): string {
  return line.replace(/^\S+ /, '');
}

describe('abstract_sdl schema', () => {
  let schema: DeckSchema;
  beforeAll(() => {
    schema = introspectDeck({ deckName: 'abstract_sdl', file: DECK_FILE, exports: loadDeck({ IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: join(tmp, 'schema.log') }) });
  });
  const actions = (instrument: string) => schema.instruments[`deck.${instrument}`].actions;

  it('has the four instruments and nothing else (classes, the enum and safe_state are not instruments)', () => {
    expect(Object.keys(schema.instruments).sort()).toEqual(['deck.balance', 'deck.bench', 'deck.pump', 'deck.sdl']);
    expect(schema.skipped).toEqual([]);
    expect(schema.source).toEqual({ file: DECK_FILE, language: 'ts' });
  });

  it('exposes the public sdl methods, not the _ helper', () => {
    expect(Object.keys(actions('sdl')).sort()).toEqual([
      'always_fail', 'analyze', 'dose_solid', 'dose_solvent', 'equilibrate', 'fail_once', 'measure', 'simulate_error',
    ]);
  });

  it('describes dose_solvent with the Solvent enum as choices and its defaults', () => {
    expect(actions('sdl')['dose_solvent']).toEqual({
      name: 'dose_solvent',
      kind: 'method',
      params: [
        {
          name: 'solvent_name',
          type: ['Enum:abstract_sdl.Solvent', 'NoneType'],
          required: false,
          choices: [
            { name: 'Methanol', value: 'Methanol' },
            { name: 'Ethanol', value: 'Ethanol' },
            { name: 'Acetone', value: 'Acetone' },
          ],
          doc: 'solvent to dose; Methanol when not given',
        },
        { name: 'amount_in_ml', type: 'float', required: false, default: 5 },
        { name: 'rate_ml_per_minute', type: 'float', required: false, default: 1 },
      ],
      async: true,
      returns: { kind: 'scalar', types: ['float'], annotation: 'number' },
      doc: 'Dose a solvent with the pump.',
    });
  });

  it('gives measure a three-slot tuple return', () => {
    expect(actions('sdl')['measure']).toEqual({
      name: 'measure',
      kind: 'method',
      params: [],
      async: false,
      returns: { kind: 'tuple', types: ['float', 'float', 'str'], annotation: '[number, number, string]', variable_length: false, arity: 3 },
      doc: 'Read [absorbance, temperature in °C, status].',
    });
  });

  it('keeps IvoryOS signatures and defaults', () => {
    const brief = (instrument: string) =>
      Object.fromEntries(
        Object.values(actions(instrument)).map((a) => [a.name, a.params.map((p) => [p.name, p.type, p.required, p.default])]),
      );
    expect(brief('sdl')).toEqual({
      analyze: [['param_1', 'int', true, undefined], ['param_2', 'int', true, undefined]],
      dose_solid: [['amount_in_mg', 'float', false, 5], ['solid_name', 'str', false, 'acetaminophen']],
      dose_solvent: [['solvent_name', ['Enum:abstract_sdl.Solvent', 'NoneType'], false, undefined], ['amount_in_ml', 'float', false, 5], ['rate_ml_per_minute', 'float', false, 1]],
      equilibrate: [['temp', 'float', true, undefined], ['duration', 'float', true, undefined]],
      measure: [],
      simulate_error: [],
      fail_once: [],
      always_fail: [],
    });
    expect(brief('pump')).toEqual({ dose_liquid: [['amount_in_ml', 'float', true, undefined], ['rate_ml_per_minute', 'float', false, 1]] });
    expect(brief('bench')).toEqual({ noop: [['x', 'float', false, 1]] });
    expect(actions('sdl')['dose_solid'].doc).toBe('dose current chemical');
  });

  it('turns tare_offset into a getter and a setter action', () => {
    expect(actions('balance')['tare_offset']).toEqual({
      name: 'tare_offset',
      kind: 'getter',
      params: [],
      async: false,
      returns: { kind: 'scalar', types: ['float'], annotation: 'number' },
      doc: 'Offset subtracted from every reading, in mg.',
    });
    expect(actions('balance')['tare_offset_(setter)']).toEqual({
      name: 'tare_offset_(setter)',
      kind: 'setter',
      params: [{ name: 'value', type: 'float', required: true }],
      async: false,
      returns: { kind: 'none', types: [], annotation: '' },
      doc: 'Offset subtracted from every reading, in mg.',
    });
  });

  it('flags the async actions', () => {
    const flags = Object.fromEntries(
      Object.values(schema.instruments).flatMap((i) => Object.values(i.actions).map((a) => [`${i.name}.${a.name}`, a.async])),
    );
    expect(flags).toEqual({
      'deck.balance.weigh_sample': false,
      'deck.balance.dose_solid': true,
      'deck.balance.tare_offset': false,
      'deck.balance.tare_offset_(setter)': false,
      'deck.pump.dose_liquid': true,
      'deck.sdl.analyze': true,
      'deck.sdl.dose_solid': true,
      'deck.sdl.dose_solvent': true,
      'deck.sdl.equilibrate': true,
      'deck.sdl.measure': false,
      'deck.sdl.simulate_error': false,
      'deck.sdl.fail_once': false,
      'deck.sdl.always_fail': false,
      'deck.bench.noop': false,
    });
    expect(actions('sdl')['equilibrate'].returns).toEqual({ kind: 'none', types: [], annotation: 'void' });
  });

  it('is the same schema when the deck is loaded by tsx, as the agent loads it', () => {
    const script = [
      "require('tsx/cjs/api').register();",
      `const deck = require(${JSON.stringify(DECK_FILE)});`,
      `const { introspectDeck } = require(${JSON.stringify(join(ROOT, 'libs/introspection/src/index.ts'))});`,
      `process.stdout.write(JSON.stringify(introspectDeck({ deckName: 'abstract_sdl', file: ${JSON.stringify(DECK_FILE)}, exports: deck })));`,
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: { ...process.env, IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: join(tmp, 'tsx.log') },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual(schema);
  });
});

describe('abstract_sdl simulation', () => {
  it('appends one line per call when the call starts, creating the log directory', async () => {
    const log = join(tmp, 'calls', 'nested', 'sim-calls.log');
    const { sdl, balance, bench, safe_state } = loadDeck({ IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: log });

    const holding = sdl.equilibrate(30, 0.01);
    // Written before the call does its work, so a kill mid-call still leaves the line.
    expect(callLogLines(log).map(withoutTime)).toEqual(['sdl equilibrate {"temp":30,"duration":0.01}']);
    await holding;
    await sdl.dose_solvent(undefined, 2.5);
    expect(() => sdl.always_fail()).toThrow('this step always fails');
    balance.tare_offset = 1.5;
    expect(bench.noop(4)).toBe(4);
    safe_state();

    const lines = callLogLines(log);
    expect(lines.map(withoutTime)).toEqual([
      'sdl equilibrate {"temp":30,"duration":0.01}',
      'sdl dose_solvent {"solvent_name":null,"amount_in_ml":2.5,"rate_ml_per_minute":1}',
      'pump dose_liquid {"amount_in_ml":2.5,"rate_ml_per_minute":1}',
      'balance weigh_sample {}',
      'sdl always_fail {}',
      'balance tare_offset_(setter) {"value":1.5}',
      'bench noop {"x":4}',
      'deck safe_state {}',
    ]);
    for (const line of lines) {
      const time = line.split(' ')[0];
      expect(new Date(time).toISOString()).toBe(time);
    }
  });

  it('fails simulate_error on two calls out of three', () => {
    const { sdl } = loadDeck({ IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: join(tmp, 'errors.log') });
    const outcomes = Array.from({ length: 6 }, () => {
      try {
        sdl.simulate_error();
        return 'ok';
      } catch (error) {
        return (error as Error).message;
      }
    });
    const failed = 'error will clear after the 3rd retry';
    expect(outcomes).toEqual([failed, failed, 'ok', failed, failed, 'ok']);
  });

  it('fails fail_once on its first call only, and always_fail every time', () => {
    const { sdl } = loadDeck({ IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: join(tmp, 'once.log') });
    expect(() => sdl.fail_once()).toThrow('first call fails; retry succeeds');
    expect(() => sdl.fail_once()).not.toThrow();
    expect(() => sdl.fail_once()).not.toThrow();
    expect(() => sdl.always_fail()).toThrow('this step always fails');
    expect(() => sdl.always_fail()).toThrow('this step always fails');
  });

  describe('timing (fake timers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    async function settledAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
      let settled = false;
      void promise.then(() => (settled = true));
      await jest.advanceTimersByTimeAsync(ms);
      return settled;
    }

    it('simulates 50 ms per call by default', async () => {
      const { pump } = loadDeck({ IVORYOS_SIM_CALL_LOG: join(tmp, 'default-delay.log') });
      const dosing = pump.dose_liquid(1);
      expect(await settledAfter(dosing, 49)).toBe(false);
      expect(await settledAfter(dosing, 1)).toBe(true);
    });

    it('takes no simulated time with IVORYOS_SIM_DELAY_MS=0', async () => {
      const { pump } = loadDeck({ IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: join(tmp, 'no-delay.log') });
      expect(await settledAfter(pump.dose_liquid(1), 0)).toBe(true);
    });

    it('holds equilibrate for its duration even with no simulated delay', async () => {
      const { sdl } = loadDeck({ IVORYOS_SIM_DELAY_MS: '0', IVORYOS_SIM_CALL_LOG: join(tmp, 'equilibrate.log') });
      const holding = sdl.equilibrate(40, 2);
      expect(await settledAfter(holding, 1999)).toBe(false);
      expect(await settledAfter(holding, 1)).toBe(true);
    });
  });

  it('refuses a delay that is not a whole number of ms', () => {
    expect(() => loadDeck({ IVORYOS_SIM_DELAY_MS: 'fast', IVORYOS_SIM_CALL_LOG: join(tmp, 'bad.log') })).toThrow(
      'IVORYOS_SIM_DELAY_MS must be a whole number of ms >= 0, got "fast"',
    );
  });
});
