import { convertParameterRows, hasDuplicateRows, parseConfigCsv } from './config-csv';

describe('parseConfigCsv', () => {
  it('reads the IvoryOS example config (header, types row, data rows)', () => {
    const csv = 'amount,rate,solvent\nfloat,float,str\n5,1,methanol\n10,1,methanol\n';
    expect(parseConfigCsv(csv)).toEqual({
      columns: ['amount', 'rate', 'solvent'],
      types: { amount: 'float', rate: 'float', solvent: 'str' },
      rows: [{ amount: 5, rate: 1, solvent: 'methanol' }, { amount: 10, rate: 1, solvent: 'methanol' }],
      errors: [],
    });
  });

  it('uses the workflow parameter types over the file and without a types row', () => {
    const parameters = [{ name: 'count', type: 'int' }, { name: 'label', type: 'str' }];
    const result = parseConfigCsv('count,label\n3,007\n4,x\n', { parameters });
    expect(result.rows).toEqual([{ count: 3, label: '007' }, { count: 4, label: 'x' }]);
    expect(result.errors).toEqual([]);
    const typed = parseConfigCsv('count,label\nstr,str\n5,a\n', { parameters });
    expect(typed.rows).toEqual([{ count: 5, label: 'a' }]);
  });

  it('reads cells as literals when nothing declares a type', () => {
    expect(parseConfigCsv('a,b,c,d\n1,2.5,True,hello\n').rows).toEqual([{ a: 1, b: 2.5, c: true, d: 'hello' }]);
  });

  it('accepts optional, enum, literal and list types in the types row', () => {
    const csv = "n,mode,speed,items\n\"['int', 'NoneType']\",Enum:deck.Mode,\"Literal:Fast,Slow\",list\n,A,Fast,\"1,2\"\n";
    const result = parseConfigCsv(csv);
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([{ n: null, mode: 'A', speed: 'Fast', items: [1, 2] }]);
  });

  it('reports every bad cell with rows[i].name paths (i counts data rows from 0)', () => {
    const csv = 'amount,flag,mode\nint,bool,"Literal:x,y"\n2.7,false,x\n3,maybe,z\n4,true\n';
    const result = parseConfigCsv(csv);
    expect(result.errors).toEqual([
      { path: 'rows[0].amount', message: "'2.7' is not an integer" },
      { path: 'rows[1].flag', message: "'maybe' is not a boolean (use true or false)" },
      { path: 'rows[1].mode', message: "'z' is not one of x, y" },
      { path: 'rows[2]', message: 'Expected 3 values, got 2' },
    ]);
    expect(result.rows[0]).toEqual({ flag: false, mode: 'x' });
    expect(result.rows[2]).toEqual({ amount: 4, flag: true });
  });

  it('checks the header against the workflow parameters', () => {
    const result = parseConfigCsv('amount,extra,amount\n1,2,3\n', { parameters: [{ name: 'amount', type: 'int' }, { name: 'rate', type: 'float' }] });
    expect(result.errors).toEqual([
      { path: 'columns.amount', message: "Column 'amount' appears more than once" },
      { path: 'columns.rate', message: "Missing column for parameter 'rate'" },
      { path: 'columns.extra', message: "'extra' is not a parameter of this workflow" },
    ]);
  });

  it('handles a BOM, quoting and blank lines, and rejects an empty file', () => {
    expect(parseConfigCsv('\uFEFFname\n"a, b"\n\n"c ""d"""\n').rows).toEqual([{ name: 'a, b' }, { name: 'c "d"' }]);
    expect(parseConfigCsv('').errors).toEqual([{ path: 'file', message: 'The file is empty' }]);
    expect(parseConfigCsv('a\n"unclosed\n').errors[0].path).toBe('file');
  });
});

describe('convertParameterRows', () => {
  const parameters = [{ name: 'amount', type: 'float' }, { name: 'solvent', type: 'Enum:deck.Solvent', choices: [{ name: 'WATER', value: 'water' }] }];

  it('converts text and checks typed values', () => {
    expect(convertParameterRows([{ amount: '5', solvent: 'WATER' }, { amount: 2.5, solvent: 'water' }], parameters))
      .toEqual({ rows: [{ amount: 5, solvent: 'water' }, { amount: 2.5, solvent: 'water' }], errors: [] });
  });

  it('names missing, unknown and invalid values', () => {
    const result = convertParameterRows([{ amount: 'x', extra: 1 }, 'nope'], parameters);
    expect(result.errors).toEqual([
      { path: 'rows[0].amount', message: "'x' is not a number" },
      { path: 'rows[0].solvent', message: "Missing value for 'solvent'" },
      { path: 'rows[0].extra', message: "'extra' is not a parameter of this workflow" },
      { path: 'rows[1]', message: 'A row must be an object of parameter: value' },
    ]);
  });
});

describe('hasDuplicateRows (IvoryOS check_config_duplicate, case 70)', () => {
  it('is true only when two rows are identical', () => {
    expect(hasDuplicateRows([{ x: 1 }, { x: 1 }])).toBe(true);
    expect(hasDuplicateRows([{ x: 1 }, { x: 2 }])).toBe(false);
    expect(hasDuplicateRows([{ x: 1, y: 2 }, { y: 2, x: 1 }])).toBe(true);
  });
});
