import type { JsonValue } from '@ivoryos/contracts';
import { compileExpression, evaluateExpression, expressionError, ExpressionEvalError } from './expression';
import { demoSchema } from './testing/demo-schema';
import { act, doc, ifBlock, loopBlock } from './testing/run-harness';
import { validateWorkflow } from './validate';

const run = (source: string, vars: Record<string, JsonValue> = {}): JsonValue => evaluateExpression(compileExpression(source), vars);

describe('constants past the run-time limits are validation errors', () => {
  it.each([
    // Exponent towers: the exponent is itself a constant power.
    ['9 ** 9 ** 9', 'exponent 387420489 is larger than 1024'],
    ['9 ** 9 ** 9 ** 9', 'exponent 387420489 is larger than 1024'],
    ['2 ** 2 ** 11', 'exponent 2048 is larger than 1024'],
    ['(2 ** 11) ** 2 ** 11', 'exponent 2048 is larger than 1024'],
    // A known exponent under an unknown base.
    ['x ** 9 ** 9', 'exponent 387420489 is larger than 1024'],
    ['#x ** (2 ** 11)', 'exponent 2048 is larger than 1024'],
    ['#x ** (1000 + 25)', 'exponent 1025 is larger than 1024'],
    ['#x ** -(2 ** 11)', 'exponent 2048 is larger than 1024'],
    ['#x ** (3 * 500)', 'exponent 1500 is larger than 1024'],
    ['#x ** abs(-2000)', 'exponent 2000 is larger than 1024'],
    ['#x ** max(1, 2000)', 'exponent 2000 is larger than 1024'],
    ['#x ** len(\'a\' * 2000)', 'exponent 2000 is larger than 1024'],
    // Results out of a double's range.
    ['2 ** 1024', 'numeric result out of range'],
    ['10.0 ** 300 * 10.0 ** 300', 'numeric result out of range'],
    ['1e308 + 1e308', 'numeric result out of range'],
    ['-(1e308 * 10)', 'numeric result out of range'],
    ['1e308 / 1e-10', 'numeric result out of range'],
    ['round(1e308 * 10)', 'numeric result out of range'],
    ['abs(-1e308 - 1e308)', 'numeric result out of range'],
    // Strings longer than the size limit.
    ["'ab' * 6000", 'result longer than 10000'],
    ["'ab' * (100 * 100)", 'result longer than 10000'],
    ["('a' * 9000) + ('b' * 2000)", 'result longer than 10000'],
    // Wherever the constant sits: operands, comparisons, calls, branches never taken.
    ['x > 9 ** 9 ** 9', 'exponent 387420489 is larger than 1024'],
    ['1 < 10.0 ** 400 < x', 'numeric result out of range'],
    ['min(x, 2 ** 1024)', 'numeric result out of range'],
    ['x + len(\'ab\' * 6000)', 'result longer than 10000'],
    ['False and 9 ** 9 ** 9', 'exponent 387420489 is larger than 1024'],
    ['True or 9 ** 9 ** 9 ** 9', 'exponent 387420489 is larger than 1024'],
    ['x and not 2 ** 2 ** 11', 'exponent 2048 is larger than 1024'],
    ['#p1 == 3 or (x + 1) * (9 ** 9 ** 9)', 'exponent 387420489 is larger than 1024'],
  ])('%s: %s', (source, message) => {
    expect(expressionError(source)).toBe(message);
  });

  it.each([
    ['2 ** 10 ** 0', 2],
    ['2 ** 2 ** 3', 256],
    ['(-2) ** 2 ** 3', 256],
    ['2 ** 1000 > 0', true],
    ['2 ** -1024 >= 0', true],
    ["len('ab' * 5000)", 10_000],
    ['1e308 * 1.5 > 0', true],
  ])('%s stays valid (%j)', (source, value) => {
    expect(expressionError(source)).toBeNull();
    expect(run(source)).toEqual(value);
  });

  it('leaves what depends on the run to the run, where the same limits hold', () => {
    for (const source of ['9 ** x ** 9', '#x ** 1024', '#x ** (2 ** 10)', 'x ** y', "'ab' * x", 'x * 1e308']) {
      expect(expressionError(source)).toBeNull();
    }
    expect(() => run('9 ** x ** 9', { x: 9 })).toThrow('exponent 387420489 is larger than 1024');
    expect(() => run('x * 1e308', { x: 10 })).toThrow('numeric result out of range');
    expect(run('#x ** (2 ** 10)', { x: 1 })).toBe(1);
  });

  it("keeps Python's run-time errors for constants (raised only if the run reaches them)", () => {
    for (const source of ['1 / 0', "1 + 'a'", '0 ** -1', '(-8) ** 0.5', 'x and 1 // 0', 'None < 1', "'ab' * 1.5"]) {
      expect(expressionError(source)).toBeNull();
      expect(() => run(source, { x: 1 })).toThrow(ExpressionEvalError);
    }
    expect(run('x and 1 / 0', { x: 0 })).toBe(0);
  });
});

describe('validateWorkflow refuses constant exponent towers before the run', () => {
  it('in conditions, loops, waits and math variables, naming phase, step and field', () => {
    const d = doc([
      ...ifBlock('9 ** 9 ** 9 ** 9', []),
      ...loopBlock('while', { statement: 'x < 9 ** 9 ** 9' }, []),
      ...loopBlock('repeat', { statement: '2 ** 2 ** 11' }, []),
      act('wait', 'wait', { statement: '10.0 ** 400' }),
      act('math_variable', 'y', { statement: "#amount * len('ab' * 6000)" }),
    ]);
    const errors = validateWorkflow(d, demoSchema).errors.map((e) => `${e.phase}#${e.stepId} ${e.field}: ${e.message}`);
    expect(errors).toEqual([
      "script#1 args.statement: Invalid expression '9 ** 9 ** 9 ** 9': exponent 387420489 is larger than 1024",
      "script#3 args.statement: Invalid expression 'x < 9 ** 9 ** 9': exponent 387420489 is larger than 1024",
      "script#5 args.statement: Invalid expression '2 ** 2 ** 11': exponent 2048 is larger than 1024",
      "script#7 args.statement: Invalid expression '10.0 ** 400': numeric result out of range",
      "script#8 args.statement: Invalid expression '#amount * len('ab' * 6000)': result longer than 10000",
    ]);
  });
});
