import { describe, expect, it } from 'vitest';
import { alignSeries, defaultY, numericColumns, seriesOf, summary } from './plot-data';

const rows = [
  { sample: 2, iteration: 2, solvent: 'MeOH', mass: 4.9 },
  { sample: 1, iteration: 1, solvent: 'MeOH', mass: 5.1 },
  { sample: 3, iteration: 3, solvent: 'EtOH', mass: null },
];

describe('plot data', () => {
  it('plots only columns that hold numbers, the last output first', () => {
    const numeric = numericColumns(['sample', 'iteration', 'solvent', 'mass'], rows);
    expect(numeric).toEqual(['sample', 'iteration', 'mass']);
    expect(defaultY(numeric)).toBe('mass');
  });
  it('keeps the points where x and y are numbers, in x order', () => {
    expect(seriesOf('run 1', rows, 'sample', 'mass').points).toEqual([[1, 5.1], [2, 4.9]]);
  });
  it('puts runs of different lengths on one x axis, with gaps', () => {
    const a = { label: 'a', points: [[1, 10], [2, 20]] as [number, number][] };
    const b = { label: 'b', points: [[2, 5], [4, 7]] as [number, number][] };
    expect(alignSeries([a, b])).toEqual([[1, 2, 4], [10, 20, null], [null, 5, 7]]);
  });
  it('summarises a column', () => {
    expect(summary([1, 2, 6])).toEqual({ n: 3, min: 1, max: 6, mean: 3 });
    expect(summary([])).toBeUndefined();
  });
});
