import type { Choice, JsonValue, TypeDescriptor } from '@ivoryos/contracts';
import { convertValue, parseTypeDescriptor } from './convert';

const MOCK_ENUM: Choice[] = [{ name: 'OPTION_A', value: 'A' }, { name: 'OPTION_B', value: 'B' }];

describe('convertValue: IvoryOS convert_config_type table (§4.3 B), quirks fixed', () => {
  it.each<[JsonValue, TypeDescriptor, JsonValue]>([
    ['42', 'int', 42],
    ['3.14', 'float', 3.14],
    ['True', 'bool', true],
    ['hello', 'str', 'hello'],
    ['100', ['int', 'NoneType'], 100],
    ['None', ['int', 'NoneType'], null],
    ['', ['int', 'NoneType'], null],
    ['  hello  ', ['str', 'NoneType'], '  hello  '],
    ['42', ['int', 'float'], 42],
    ['3.14', ['int', 'float'], 3.14],
    ['[1, 2, 3]', 'list', [1, 2, 3]],
    ['(1, 2)', 'tuple', [1, 2]],
    ['OptionB', 'Enum:tests.unit.test_utils_conversion.MockEnum', 'OptionB'],
    // IvoryOS: True. Ours: the word's meaning.
    ['false', 'bool', false],
    // IvoryOS: 5 (an int). Ours: text stays text for str.
    ['5', 'str', '5'],
    ['3', ['str', 'NoneType'], '3'],
    ['3', 'int', 3],
  ])('%j as %j -> %j', (raw, type, expected) => {
    expect(convertValue(raw, type)).toEqual({ ok: true, value: expected });
  });

  it.each<[JsonValue, TypeDescriptor, string]>([
    ['not_a_number', 'int', "'not_a_number' is not an integer"],
    // IvoryOS silently gives 5.
    ['5.5', 'int', "'5.5' is not an integer"],
    ['2.7', 'int', "'2.7' is not an integer"],
    ['z', 'Literal:x,y', "'z' is not one of x, y"],
    ['maybe', 'bool', "'maybe' is not a boolean (use true or false)"],
    ['', 'int', 'a value is required (int)'],
    ['nan', 'float', "'nan' is not a number"],
    ['1e999', 'float', "'1e999' is not a number"],
    ['99999999999999999999', 'int', "'99999999999999999999' is too large for an integer"],
    ['[1, 2', 'list', "'[1, 2' is not a valid list"],
    ['[1]', 'dict', "'[1]' is not a valid dict"],
    ['x', ['int', 'float'], "cannot convert 'x' to any of int | float"],
  ])('%j as %j is refused: %s', (raw, type, message) => {
    expect(convertValue(raw, type)).toEqual({ ok: false, error: message });
  });
});

describe('convertValue: form and direct-control values (§4.3 C, §12 cases 13 and 69)', () => {
  it.each<[JsonValue, TypeDescriptor, JsonValue]>([
    ['123', 'int', 123],
    ['123.45', 'float', 123.45],
    ['true', 'bool', true],
    ['False', 'bool', false],
    ['2', 'float', 2],
    ['123', 'str', '123'],
    // IvoryOS passes the text on and converts later; we give the list right away.
    ['a,b,c', 'list', ['a', 'b', 'c']],
    ['x', 'list', ['x']],
    ['1,2', 'List[int]', [1, 2]],
    ['1,2,3', 'list', [1, 2, 3]],
    ['1,2,3', '', [1, 2, 3]],
    ['1,2,3', 'any', [1, 2, 3]],
    ['a', ['Enum:demo.E', 'NoneType'], 'a'],
    ['{"a": 1}', 'dict', { a: 1 }],
    ["{'a': [1, 2], 'b': None}", 'dict', { a: [1, 2], b: null }],
    ['["x", "y"]', 'list', ['x', 'y']],
    ['{1, 2}', 'set', [1, 2]],
    ['3', 'Literal:1,3,5', 3],
    ['Fast', "Literal['Fast','Slow']", 'Fast'],
    ['7', 'Optional[int]', 7],
    ['', 'Optional[int]', null],
    ['yes', 'bool', true],
    ['0', 'bool', false],
    ['-12', 'int', -12],
    ['1e3', 'float', 1000],
    ['.5', 'float', 0.5],
    ['hello world', 'any', 'hello world'],
    ['5', 'any', 5],
    ['', 'any', null],
    ['', 'str', ''],
    ['None', 'str', 'None'],
  ])('%j as %j -> %j', (raw, type, expected) => {
    expect(convertValue(raw, type)).toEqual({ ok: true, value: expected });
  });

  it('an enum takes a member name or value and gives the value (case 13: OPTION_B -> "B")', () => {
    expect(convertValue('OPTION_B', 'Enum:demo.MockEnum', MOCK_ENUM)).toEqual({ ok: true, value: 'B' });
    expect(convertValue('B', 'Enum:demo.MockEnum', MOCK_ENUM)).toEqual({ ok: true, value: 'B' });
  });

  it('enum values are refused when they match neither a name nor a value', () => {
    expect(convertValue('OPTION_C', 'Enum:demo.MockEnum', MOCK_ENUM)).toEqual({ ok: false, error: "'OPTION_C' is not one of OPTION_A, OPTION_B" });
  });
});

describe('convertValue: typed JSON is checked, not coerced', () => {
  it.each<[JsonValue, TypeDescriptor, JsonValue]>([
    [5, 'int', 5], [5, 'float', 5], [2.5, 'float', 2.5], [true, 'bool', true], [[1], 'list', [1]], [{ a: 1 }, 'dict', { a: 1 }],
    [null, ['int', 'NoneType'], null], [null, 'any', null], [3, 'Literal:1,3,5', 3], [{ x: 1 }, 'any', { x: 1 }],
  ])('%j as %j', (raw, type, expected) => {
    expect(convertValue(raw, type)).toEqual({ ok: true, value: expected });
  });

  it.each<[JsonValue, TypeDescriptor, string]>([
    [2.5, 'int', 'expected int, got float'],
    [true, 'int', 'expected int, got bool'],
    [5, 'str', 'expected str, got int'],
    [1, 'bool', 'expected bool, got int'],
    ['x', 'NoneType', "'x' is not None"],
    [null, 'int', 'a value is required (int)'],
    [[1], 'dict', 'expected dict, got list'],
    [4, 'Literal:1,3,5', "'4' is not one of 1, 3, 5"],
  ])('%j as %j is refused', (raw, type, message) => {
    expect(convertValue(raw, type)).toEqual({ ok: false, error: message });
  });
});

describe('parseTypeDescriptor', () => {
  it.each<[TypeDescriptor, ReturnType<typeof parseTypeDescriptor>]>([
    ['int', { alternatives: [{ kind: 'int' }], optional: false }],
    ['', { alternatives: [{ kind: 'any' }], optional: false }],
    [['int', 'NoneType'], { alternatives: [{ kind: 'int' }], optional: true }],
    ['Optional[float]', { alternatives: [{ kind: 'float' }], optional: true }],
    ['Union[int, str]', { alternatives: [{ kind: 'int' }, { kind: 'str' }], optional: false }],
    ['int | None', { alternatives: [{ kind: 'int' }], optional: true }],
    ['Enum:abstract_sdl.Solvent', { alternatives: [{ kind: 'enum', ref: 'abstract_sdl.Solvent' }], optional: false }],
    ['Literal:Fast,Standard,Slow', { alternatives: [{ kind: 'literal', options: ['Fast', 'Standard', 'Slow'] }], optional: false }],
    ['Dict[str, int]', { alternatives: [{ kind: 'dict' }], optional: false }],
    ['Pump', { alternatives: [{ kind: 'other', name: 'Pump' }], optional: false }],
  ])('%j', (type, expected) => {
    expect(parseTypeDescriptor(type)).toEqual(expected);
  });
});
