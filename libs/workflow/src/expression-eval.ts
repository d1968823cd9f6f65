import type { JsonValue } from '@ivoryos/contracts';
import {
  EXPRESSION_LIMITS, ExpressionEvalError, ExpressionLimitError, type ArithOp, type CompareOp, type CompiledExpression, type Expr, type ExpressionFunction,
} from './expression-types';
import { isNumeric, pyEquals, pyTypeName, truthy } from './python-values';

/** Evaluation of checked expressions with Python's semantics. */

function fail(message: string): never {
  throw new ExpressionEvalError(message);
}

function overLimit(message: string): never {
  throw new ExpressionLimitError(message);
}

function operandTypes(op: string, a: JsonValue, b: JsonValue): never {
  return fail(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function checked(value: number): number {
  if (Number.isNaN(value)) fail('math domain error');
  if (!Number.isFinite(value)) overLimit('numeric result out of range');
  return value;
}

function repeat(seq: string | JsonValue[], times: number): string | JsonValue[] {
  if (!Number.isInteger(times)) fail(`can't multiply sequence by non-int of type 'float'`);
  const n = Math.max(0, times);
  if (seq.length * n > EXPRESSION_LIMITS.maxSize) overLimit(`result longer than ${EXPRESSION_LIMITS.maxSize}`);
  if (typeof seq === 'string') return seq.repeat(n);
  const out: JsonValue[] = [];
  for (let i = 0; i < n; i++) out.push(...seq);
  return out;
}

function arith(op: ArithOp, a: JsonValue, b: JsonValue): JsonValue {
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') {
      if (a.length + b.length > EXPRESSION_LIMITS.maxSize) overLimit(`result longer than ${EXPRESSION_LIMITS.maxSize}`);
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length + b.length > EXPRESSION_LIMITS.maxSize) overLimit(`result longer than ${EXPRESSION_LIMITS.maxSize}`);
      return [...a, ...b];
    }
  }
  if (op === '*') {
    if ((typeof a === 'string' || Array.isArray(a)) && isNumeric(b)) return repeat(a, Number(b));
    if ((typeof b === 'string' || Array.isArray(b)) && isNumeric(a)) return repeat(b, Number(a));
  }
  if (!isNumeric(a) || !isNumeric(b)) return operandTypes(op, a, b);
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case '+': return checked(x + y);
    case '-': return checked(x - y);
    case '*': return checked(x * y);
    case '/':
      if (y === 0) fail('division by zero');
      return checked(x / y);
    case '//':
      if (y === 0) fail('integer division or modulo by zero');
      return checked(Math.floor(x / y));
    case '%':
      if (y === 0) fail('integer division or modulo by zero');
      // Python's result takes the divisor's sign: -7 % 3 == 2.
      return checked(((x % y) + y) % y);
    case '**':
      if (Math.abs(y) > EXPRESSION_LIMITS.maxExponent) overLimit(`exponent ${y} is larger than ${EXPRESSION_LIMITS.maxExponent}`);
      if (x === 0 && y < 0) fail('0.0 cannot be raised to a negative power');
      if (x < 0 && !Number.isInteger(y)) fail('math domain error (negative number to a fractional power)');
      return checked(x ** y);
  }
}

function compare(op: CompareOp, a: JsonValue, b: JsonValue): boolean {
  if (op === '==') return pyEquals(a, b);
  if (op === '!=') return !pyEquals(a, b);
  let x: number | string;
  let y: number | string;
  if (isNumeric(a) && isNumeric(b)) [x, y] = [Number(a), Number(b)];
  else if (typeof a === 'string' && typeof b === 'string') [x, y] = [a, b];
  else return fail(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
}

/** Python's round-half-to-even (`round(2.5) == 2`). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function pyRound(x: JsonValue, digits: JsonValue | undefined): number {
  if (!isNumeric(x)) fail(`type ${pyTypeName(x)} doesn't define __round__ method`);
  const value = Number(x);
  if (digits === undefined || digits === null) return roundHalfEven(value);
  if (typeof digits !== 'number' || !Number.isInteger(digits)) fail(`'${pyTypeName(digits)}' object cannot be interpreted as an integer`);
  if (digits < 0) {
    const scale = 10 ** Math.min(-digits, 308);
    return roundHalfEven(value / scale) * scale;
  }
  // Beyond these, rounding to `digits` decimals cannot change a double.
  if (digits === 0) return roundHalfEven(value);
  if (digits > 60 || Math.abs(value) >= 1e21) return value;
  // Python rounds the exact binary value: round(2.675, 2) == 2.67 because 2.675 is 2.67499999...
  // toFixed also works on the exact value, but breaks exact ties upwards where Python picks the even digit.
  const magnitude = Math.abs(value);
  const exact = magnitude.toFixed(Math.min(100, digits + 40));
  const cut = exact.indexOf('.') + 1 + digits;
  if (!/^50*$/.test(exact.slice(cut))) return Number(value.toFixed(digits));
  const down = exact.slice(0, cut);
  const rounded = Number(down.at(-1)) % 2 === 0 ? Number(down) : Number((Number(down) + 10 ** -digits).toFixed(digits));
  return value < 0 ? -rounded : rounded;
}

function extreme(fn: 'min' | 'max', args: JsonValue[]): JsonValue {
  const items = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (items.length === 0) fail(`${fn}() arg is an empty sequence`);
  let best = items[0];
  for (const item of items.slice(1)) {
    if (fn === 'min' ? compare('<', item, best) : compare('>', item, best)) best = item;
  }
  return best;
}

function call(fn: ExpressionFunction, args: JsonValue[]): JsonValue {
  switch (fn) {
    case 'abs':
      if (!isNumeric(args[0])) fail(`bad operand type for abs(): '${pyTypeName(args[0])}'`);
      return Math.abs(Number(args[0]));
    case 'len': {
      const v = args[0];
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (v !== null && typeof v === 'object') return Object.keys(v).length;
      return fail(`object of type '${pyTypeName(v)}' has no len()`);
    }
    case 'round':
      return pyRound(args[0], args[1]);
    case 'min':
    case 'max':
      return extreme(fn, args);
  }
}

function evaluate(e: Expr, vars: Readonly<Record<string, JsonValue>>, depth: number): JsonValue {
  if (depth > EXPRESSION_LIMITS.maxDepth + 1) fail('expression is nested too deeply');
  switch (e.type) {
    case 'literal':
      return e.value;
    case 'name':
      // Own properties only: nothing is ever read from a prototype.
      if (Object.hasOwn(vars, e.name)) return vars[e.name];
      return fail(`name '${e.hash ? '#' : ''}${e.name}' is not defined`);
    case 'unary': {
      const v = evaluate(e.operand, vars, depth + 1);
      if (e.op === 'not') return !truthy(v);
      if (!isNumeric(v)) fail(`bad operand type for unary ${e.op}: '${pyTypeName(v)}'`);
      return e.op === '-' ? -Number(v) : Number(v);
    }
    case 'logic': {
      const left = evaluate(e.left, vars, depth + 1);
      if (e.op === 'and') return truthy(left) ? evaluate(e.right, vars, depth + 1) : left;
      return truthy(left) ? left : evaluate(e.right, vars, depth + 1);
    }
    case 'compare': {
      // Chained: a < b < c is a < b and b < c, with b evaluated once.
      let left = evaluate(e.operands[0], vars, depth + 1);
      for (let i = 0; i < e.ops.length; i++) {
        const right = evaluate(e.operands[i + 1], vars, depth + 1);
        if (!compare(e.ops[i], left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'arith':
      return arith(e.op, evaluate(e.left, vars, depth + 1), evaluate(e.right, vars, depth + 1));
    case 'call':
      return call(e.fn, e.args.map((a) => evaluate(a, vars, depth + 1)));
  }
}

/** Evaluates one node and everything under it; for constant folding, with no variables. */
export function evaluateNode(e: Expr, variables: Readonly<Record<string, JsonValue>>): JsonValue {
  return evaluate(e, variables, 0);
}

/** Evaluates against the variables of one sample. Throws {@link ExpressionEvalError}. */
export function evaluateExpression(expression: CompiledExpression, variables: Readonly<Record<string, JsonValue>>): JsonValue {
  return evaluate(expression.ast, variables, 0);
}

/** Evaluates a condition with Python truthiness. */
export function evaluateCondition(expression: CompiledExpression, variables: Readonly<Record<string, JsonValue>>): boolean {
  return truthy(evaluateExpression(expression, variables));
}
