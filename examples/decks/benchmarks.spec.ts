import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { introspectDeck } from '@ivoryos/introspection';
import type * as Benchmarks from './benchmarks';

const DECK_FILE = join(__dirname, 'benchmarks.ts');
let tmp: string;
let deck: typeof Benchmarks;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ivoryos-benchmarks-'));
  process.env['IVORYOS_SIM_CALL_LOG'] = join(tmp, 'calls.log');
  jest.isolateModules(() => {
    deck = jest.requireActual('./benchmarks');
  });
});
afterAll(() => {
  delete process.env['IVORYOS_SIM_CALL_LOG'];
  rmSync(tmp, { recursive: true, force: true });
});

describe('benchmark deck', () => {
  it('has the published optima', () => {
    for (const x of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) expect(deck.branin(x)).toBeCloseTo(0.397887, 5);
    expect(deck.hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(-3.32237, 4);
  });

  it('exposes the functions as one instrument whose calls are logged', () => {
    expect(deck.bench_functions.branin(Math.PI, 2.275)).toBeCloseTo(0.397887, 5);
    expect(deck.bench_functions.hartmann6(0.5, 0.5, 0.5, 0.5, 0.5, 0.5)).toBeCloseTo(deck.hartmann6([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), 12);
    const log = readFileSync(join(tmp, 'calls.log'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/bench_functions branin \{"x1":3.14159\d+,"x2":2.275\}$/);
  });

  it('noisy variants scatter around the function with the requested spread', () => {
    const values = Array.from({ length: 400 }, () => deck.bench_functions.noisy_branin(Math.PI, 2.275, 0.5));
    const mean = values.reduce((a, b) => a + b) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean - 0.397887)).toBeLessThan(0.1);
    expect(sd).toBeGreaterThan(0.4);
    expect(sd).toBeLessThan(0.6);
  });

  it('introspects as an instrument with typed float parameters', () => {
    const schema = introspectDeck({ deckName: 'benchmarks', file: DECK_FILE, exports: deck });
    expect(Object.keys(schema.instruments)).toEqual(['deck.bench_functions']);
    const actions = schema.instruments['deck.bench_functions'].actions;
    expect(Object.keys(actions).sort()).toEqual(['branin', 'hartmann6', 'noisy_branin', 'noisy_hartmann6']);
  });
});
