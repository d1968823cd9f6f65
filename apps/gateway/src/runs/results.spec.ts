import { buildResults, type PhaseRecord } from './results';

const phase = (p: Partial<PhaseRecord>): PhaseRecord => ({ name: 'main', repeatIndex: 1, parameters: null, outputs: null, ...p });

describe('buildResults', () => {
  it('gives one row per sample with parameters first, then variables and outputs', () => {
    const table = buildResults(
      [
        phase({ name: 'prep', outputs: [{ warm: true }] }),
        phase({ repeatIndex: 1, parameters: [{ amount: 5, solvent: 'Methanol' }], outputs: [{ amount: 5, solvent: 'Methanol', mass: 1.2 }] }),
        phase({ repeatIndex: 2, parameters: [{ amount: 10, solvent: 'Ethanol' }], outputs: [{ amount: 10, solvent: 'Ethanol', mass: 2.4, flag: 'hi' }] }),
        phase({ name: 'cleanup', outputs: [{ done: true }] }),
      ],
      ['amount', 'solvent'],
    );
    expect(table.columns).toEqual(['sample', 'iteration', 'amount', 'solvent', 'mass', 'flag']);
    expect(table.rows).toEqual([
      { sample: 1, iteration: 1, amount: 5, solvent: 'Methanol', mass: 1.2 },
      { sample: 2, iteration: 2, amount: 10, solvent: 'Ethanol', mass: 2.4, flag: 'hi' },
    ]);
  });

  it('numbers samples across batches and keeps the batch as the iteration', () => {
    const table = buildResults([
      phase({ repeatIndex: 1, parameters: [{ x: 1 }, { x: 2 }], outputs: [{ x: 1, y: 10 }, { x: 2, y: 20 }] }),
      phase({ repeatIndex: 2, parameters: [{ x: 3 }], outputs: [{ x: 3, y: 30 }] }),
    ], ['x']);
    expect(table.rows.map((r) => [r.sample, r.iteration, r.x, r.y])).toEqual([[1, 1, 1, 10], [2, 1, 2, 20], [3, 2, 3, 30]]);
  });

  it('handles repeat mode (no parameters) and phases without outputs', () => {
    const table = buildResults([phase({ outputs: [{ score: 0.5 }] }), phase({ repeatIndex: 2 })]);
    expect(table).toEqual({ columns: ['sample', 'iteration', 'score'], rows: [{ sample: 1, iteration: 1, score: 0.5 }] });
  });

  it('does not let a variable called sample overwrite the sample number', () => {
    const table = buildResults([phase({ outputs: [{ sample: 'vial-3' }] })]);
    expect(table.rows[0].sample).toBe(1);
  });
});
