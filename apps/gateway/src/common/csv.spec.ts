import { toCsv } from './csv';

describe('toCsv', () => {
  it('writes a header and rows in column order with CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [{ b: 2, a: 1 }, { a: 'x' }])).toBe('a,b\r\n1,2\r\nx,\r\n');
  });

  it('quotes commas, quotes and newlines', () => {
    expect(toCsv(['v'], [{ v: 'a,b' }, { v: 'say "hi"' }, { v: 'two\nlines' }])).toBe('v\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n');
  });

  it('writes objects as JSON and null as empty', () => {
    expect(toCsv(['o', 'n'], [{ o: { x: [1, 2] }, n: null }])).toBe('o,n\r\n"{""x"":[1,2]}",\r\n');
  });

  it('keeps negative numbers but defuses formulas', () => {
    expect(toCsv(['v'], [{ v: -3.5 }, { v: '=SUM(A1)' }, { v: '@cmd' }])).toBe("v\r\n-3.5\r\n'=SUM(A1)\r\n'@cmd\r\n");
  });
});
