import type { JsonValue } from '@ivoryos/contracts';
import {
  compileExpression, evaluateCondition, evaluateExpression, expressionError, EXPRESSION_LIMITS, ExpressionEvalError,
  ExpressionSyntaxError,
} from './expression';
import pythonCases from './fixtures/python-expressions.json';

const run = (source: string, vars: Record<string, JsonValue> = {}): JsonValue => evaluateExpression(compileExpression(source), vars);

function same(actual: JsonValue, expected: JsonValue): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  return JSON.stringify(actual) === JSON.stringify(expected);
}

describe('expressions agree with Python', () => {
  // 360 random expressions evaluated by python3 (see the fixture's `generator`): values, and which ones
  // Python refuses as syntax errors or fails with TypeError/ZeroDivisionError.
  const vars = { x: 3, y: -2, z: 0.5, t: true, n: null, s: 'ab' };
  const cases = pythonCases.cases as { source: string; value?: JsonValue; error?: string }[];

  it('covers values and each kind of failure', () => {
    const kinds = new Set(cases.map((c) => c.error ?? typeof c.value));
    expect([...kinds].sort()).toEqual(['SyntaxError', 'TypeError', 'ZeroDivisionError', 'boolean', 'number', 'object', 'string'].sort());
  });

  it.each(cases.map((c) => [c.source, c] as const))('%s', (_source, c) => {
    if (c.error === 'SyntaxError') {
      expect(expressionError(c.source)).not.toBeNull();
      return;
    }
    const compiled = compileExpression(c.source);
    if (c.error) {
      expect(() => evaluateExpression(compiled, vars)).toThrow(ExpressionEvalError);
      return;
    }
    const value = evaluateExpression(compiled, vars);
    if (!same(value, c.value ?? null)) throw new Error(`${c.source}: got ${JSON.stringify(value)}, Python gives ${JSON.stringify(c.value)}`);
  });
});

describe('precedence and associativity follow Python', () => {
  it.each<[string, JsonValue]>([
    ['not 1 == 2', true],
    ['not x == 3', false],
    ['not x > 5 and x > 1', true],
    ['not (x > 5 and x > 1)', true],
    ['True or False and False', true],
    ['(True or False) and False', false],
    ['-2 ** 2', -4],
    ['(-2) ** 2', 4],
    ['2 ** -1', 0.5],
    ['2 ** 3 ** 2', 512],
    ['2 * 3 ** 2', 18],
    ['10 - 4 - 3', 3],
    ['2 + 3 * 4', 14],
    ['7 // 2 * 2', 6],
    ['-7 // 2', -4],
    ['-7 % 3', 2],
    ['7 % -3', -2],
    ['0 < x < 5', true],
    ['0 < x < 2', false],
    ['1 < 2 == 2', true],
    ['x == 3 == True', false],
    ['1 + 2 == 3 and not 4 < 3', true],
  ])('%s == %j', (source, expected) => {
    expect(run(source, { x: 3 })).toEqual(expected);
  });
});

describe('names', () => {
  it('reads #name and bare names from the sample variables (IvoryOS _evaluate_condition, case 67)', () => {
    const condition = compileExpression('#temperature > 20 and #ready');
    expect(evaluateCondition(condition, { temperature: 25, ready: true })).toBe(true);
    expect(evaluateCondition(condition, { temperature: 25, ready: false })).toBe(false);
    expect(() => evaluateCondition(compileExpression('#missing > 0'), {})).toThrow("name '#missing' is not defined");
    expect(() => run('missing')).toThrow("name 'missing' is not defined");
    // IvoryOS raises TypeError for a None condition; here anything but text is not an expression.
    expect(expressionError(null as unknown as string)).toBe('an expression must be text');
  });

  it('lists the names an expression reads, with or without #', () => {
    expect(compileExpression('#a + b * abs(#a) > c').names).toEqual([
      { name: 'a', hash: true }, { name: 'b', hash: false }, { name: 'c', hash: false },
    ]);
  });

  it('never reads inherited properties', () => {
    const vars = Object.create({ inherited: 1 }) as Record<string, JsonValue>;
    expect(() => run('inherited', vars)).toThrow(ExpressionEvalError);
    expect(() => run('toString', {})).toThrow(ExpressionEvalError);
  });
});

describe('functions', () => {
  it.each<[string, JsonValue]>([
    ['abs(-2.5)', 2.5], ['abs(True)', 1], ['min(3, 1, 2)', 1], ['max(3, 1, 2)', 3], ['min(list)', -1], ['max(list)', 4],
    ["max('a', 'b')", 'b'], ['len(list)', 3], ["len('héllo')", 5], ['len(dict)', 2], ['round(2.5)', 2], ['round(3.5)', 4],
    ['round(-2.5)', -2], ['round(2.675, 2)', 2.67], ['round(0.125, 2)', 0.12], ['round(0.375, 2)', 0.38], ['round(1234.5, -2)', 1200],
  ])('%s == %j', (source, expected) => {
    expect(run(source, { list: [4, -1, 2], dict: { a: 1, b: 2 } })).toEqual(expected);
  });

  it.each([
    ['min()', /min\(\) takes 1 to any number of argument/],
    ['abs(1, 2)', /abs\(\) takes 1 argument/],
    ['round(1, 2, 3)', /round\(\) takes 1 to 2 argument/],
  ])('checks arity when compiling: %s', (source, message) => {
    expect(expressionError(source)).toMatch(message);
  });

  it.each([
    ['min(empty)', 'min() arg is an empty sequence'],
    ["abs('x')", "bad operand type for abs(): 'str'"],
    ['len(5)', "object of type 'int' has no len()"],
    ["min(1, 'a')", "'<' not supported between instances of 'str' and 'int'"],
    ['round(1.5, 0.5)', "'float' object cannot be interpreted as an integer"],
  ])('fails at run time for %s', (source, message) => {
    expect(() => run(source, { empty: [] })).toThrow(message);
  });
});

describe('operand types, as Python', () => {
  it.each<[string, JsonValue]>([
    ["'ab' + 'cd'", 'abcd'], ["'ab' * 2", 'abab'], ["2 * 'ab'", 'abab'], ['True + True', 2], ['list + list', [1, 1]],
    ['None == None', true], ['1 == 1.0', true], ['1 == True', true], ["'1' == 1", false],
    ['x or 5', 5], ['x and 5', 0], ['not nothing', true], ['dict == dict', true],
  ])('%s == %j', (source, expected) => {
    const vars = { list: [1], x: 0, nothing: null, dict: { a: [1, 2] } };
    expect(run(source, vars)).toEqual(expected);
  });

  it.each([
    ["1 + 'a'", "unsupported operand type(s) for +: 'int' and 'str'"],
    ['None < 1', "'<' not supported between instances of 'NoneType' and 'int'"],
    ['1 / 0', 'division by zero'],
    ['1 // 0', 'integer division or modulo by zero'],
    ['1 % 0', 'integer division or modulo by zero'],
    ['0 ** -1', '0.0 cannot be raised to a negative power'],
    ['(-8) ** 0.5', 'math domain error'],
    ["-'a'", "bad operand type for unary -: 'str'"],
    ['10.0 ** 400', 'numeric result out of range'],
    ["'ab' * 1.5", "can't multiply sequence by non-int of type 'float'"],
  ])('%s fails: %s', (source, message) => {
    expect(() => run(source)).toThrow(message);
  });
});

describe('hostile input is a validation error, never executed', () => {
  it.each([
    ['constructor', "'constructor' is not allowed as a name"],
    ['__proto__', "'__proto__' is not allowed as a name"],
    ['#__proto__ == 1', "'__proto__' is not allowed as a name"],
    ['prototype', "'prototype' is not allowed as a name"],
    ['x.constructor', 'attribute and index access are not supported'],
    ["x['constructor']", 'attribute and index access are not supported'],
    ['x.y()', 'only the functions abs, min, max, round and len can be called'],
    ['eval(1)', "function 'eval' is not allowed (allowed: abs, min, max, round, len)"],
    ['Function("return 1")', "function 'Function' is not allowed"],
    ['(x)(1)', "function 'x' is not allowed"],
    ['abs(1)(2)', 'only the functions abs, min, max, round and len can be called'],
    ['this', "'this' is not a variable"],
    ['[1, 2]', 'list literals are not supported'],
    ['(1, 2)', 'tuples are not supported'],
    ['a ? b : c', "Unsupported operator '?'"],
    ['a = 1', "Unsupported operator '='"],
    ['a && b', "use 'and' instead of '&&'"],
    ['a || b', "use 'or' instead of '||'"],
    ['!a', "use 'not' instead of '!'"],
    ['a === b', "use '==' instead of '==='"],
    ['a !== b', "use '!=' instead of '!=='"],
    ['a << 2', 'bit shifts are not supported'],
    ['a ^ 2', "use '**' for powers"],
    ['~a', 'bitwise operators are not supported'],
    ['a b', 'unexpected text after the expression'],
    ['a is None', 'unexpected text after the expression'],
    ['f"{x}"', 'unexpected text after the expression'],
    ['import', "'import' is a reserved word"],
    ['1e999', 'number 1e999 is too large'],
    ['2 ** 99999', 'exponent 99999 is larger than 1024'],
    ['2 ** -5000', 'exponent 5000 is larger than 1024'],
    ["'unclosed", 'Unclosed quote'],
    ['', 'expression is empty'],
    ['a$b', 'is not a valid name'],
  ])('%s', (source, message) => {
    expect(expressionError(source)).toContain(message);
  });

  it('refuses over-long and deeply nested text before parsing it', () => {
    expect(expressionError('1 + '.repeat(200) + '1')).toBe(`expression is longer than ${EXPRESSION_LIMITS.maxLength} characters`);
    expect(expressionError(`${'('.repeat(40)}1${')'.repeat(40)}`)).toContain('nested more than 32 levels');
    expect(expressionError(`${'-'.repeat(40)}1`)).toContain('nested more than 32 levels');
    expect(expressionError(`${'not '.repeat(40)}x`)).toContain('nested more than 32 levels');
    expect(expressionError(`${'('.repeat(30)}1${')'.repeat(30)}`)).toBeNull();
  });

  it('still caps exponents and sizes at run time, where values come from variables', () => {
    expect(() => run('2 ** big', { big: 5000 })).toThrow('exponent 5000 is larger than 1024');
    expect(() => run("'ab' * big", { big: 100_000 })).toThrow('result longer than');
    expect(() => run('s + s', { s: 'x'.repeat(6000) })).toThrow('result longer than');
  });

  it('throws typed errors so callers can tell syntax from evaluation', () => {
    expect(() => compileExpression('a &&')).toThrow(ExpressionSyntaxError);
    expect(() => run('1 / 0')).toThrow(ExpressionEvalError);
  });
});
