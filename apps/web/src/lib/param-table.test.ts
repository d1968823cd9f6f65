import { describe, expect, it } from 'vitest';
import { cellError, convertRows, importCsv, pasteBlock, toCsv, type ParamColumn } from './param-table';

const columns: ParamColumn[] = [
  { name: 'amount', type: 'float' },
  { name: 'count', type: 'int' },
  { name: 'solvent', type: 'str' },
];

describe('parameter table', () => {
  it('checks each cell as typed', () => {
    expect(cellError('2.5', columns[0])).toBeUndefined();
    expect(cellError('abc', columns[0])).toBeTruthy();
    expect(cellError('2.5', columns[1])).toBeTruthy();
    expect(cellError('', columns[1])).toMatch(/required/);
  });

  it('converts every row, or reports every bad cell by row and column', () => {
    const ok = convertRows([{ amount: '1.5', count: '2', solvent: 'water' }], columns);
    expect(ok).toEqual({ rows: [{ amount: 1.5, count: 2, solvent: 'water' }], errors: {} });
    const bad = convertRows([{ amount: 'x', count: '2', solvent: 's' }, { amount: '1', count: '1.5', solvent: 's' }], columns);
    expect(Object.keys(bad.errors)).toEqual(['0:amount', '1:count']);
  });

  it('imports an IvoryOS config CSV with its types row, reporting unknown and missing columns', () => {
    const csv = 'amount,count,extra\nfloat,int,str\n1.5,2,a\n3,4,b\n';
    const result = importCsv(csv, columns);
    expect(result.rows).toEqual([
      { amount: '1.5', count: '2', solvent: '' },
      { amount: '3', count: '4', solvent: '' },
    ]);
    expect(result.problems).toEqual(['not parameters of this workflow, left out: extra', 'missing columns: solvent']);
  });

  it('keeps a first data row that is not a types row', () => {
    expect(importCsv('amount,count,solvent\n1,2,int\n', columns).rows).toEqual([{ amount: '1', count: '2', solvent: 'int' }]);
  });

  it('pastes a spreadsheet block at a cell, adding rows as needed', () => {
    const rows = pasteBlock([{ amount: '9', count: '9', solvent: 'z' }], columns, 0, 1, '1\ta\n2\tb\n3\tc\n');
    expect(rows).toEqual([
      { amount: '9', count: '1', solvent: 'a' },
      { amount: '', count: '2', solvent: 'b' },
      { amount: '', count: '3', solvent: 'c' },
    ]);
  });

  it('exports the grid as CSV', () => {
    expect(toCsv([{ amount: '1', count: '2', solvent: 'a,b' }], columns)).toBe('amount,count,solvent\r\n1,2,"a,b"');
  });
});
