import type { JsonValue } from '@ivoryos/contracts';
import type jsep from 'jsep';
import { PY_COMPARE, parsePythonSyntax } from './expression-grammar';
import { nameProblem } from './names';
import { isNumeric, pyEquals, pyTypeName, truthy } from './python-values';

/** Bounds that keep hostile or accidental input cheap; checked when compiling and again when evaluating. */
export const EXPRESSION_LIMITS = {
  maxLength: 500,
  maxDepth: 32,
  maxExponent: 1024,
  /** Longest string or list an expression may build (`'ab' * n`). */
  maxSize: 10_000,
} as const;

export const EXPRESSION_FUNCTIONS = ['abs', 'min', 'max', 'round', 'len'] as const;
export type ExpressionFunction = (typeof EXPRESSION_FUNCTIONS)[number];
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';

/** The checked syntax tree of an expression. Names are stored without their `#`. */
export type Expr =
  | { type: 'literal'; value: number | string | boolean | null }
  | { type: 'name'; name: string; hash: boolean }
  | { type: 'unary'; op: '-' | '+' | 'not'; operand: Expr }
  | { type: 'arith'; op: ArithOp; left: Expr; right: Expr }
  | { type: 'logic'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'compare'; ops: CompareOp[]; operands: Expr[] }
  | { type: 'call'; fn: ExpressionFunction; args: Expr[] };

export interface NameRef {
  name: string;
  /** Written as `#name`. */
  hash: boolean;
}

export interface CompiledExpression {
  readonly source: string;
  readonly ast: Expr;
  /** Every variable the expression reads, in order of first appearance. */
  readonly names: readonly NameRef[];
}

/** The text is not in the expression language; raised when compiling (a validation error). */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
}

/** Evaluation failed (unknown name, wrong operand types, division by zero, limits). */
export class ExpressionEvalError extends Error {
  override readonly name = 'ExpressionEvalError';
}

const ARITH_OPS = new Set<string>(['+', '-', '*', '/', '//', '%', '**']);
const COMPARE_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);
const ARITY: Record<ExpressionFunction, [number, number]> = {
  abs: [1, 1], len: [1, 1], round: [1, 2], min: [1, Infinity], max: [1, Infinity],
};
const REJECTED: Record<string, string> = {
  MemberExpression: 'attribute and index access are not supported',
  ArrayExpression: 'list literals are not supported',
  SequenceExpression: 'tuples are not supported',
  Compound: 'unexpected text after the expression (a missing operator?)',
  ConditionalExpression: "the conditional operator '?:' is not supported",
  ThisExpression: "'this' is not a variable",
};

function syntax(message: string): never {
  throw new ExpressionSyntaxError(message);
}

/** Deepest bracket nesting outside string literals: checked before jsep runs, as jsep recurses per level. */
function bracketDepth(source: string): number {
  let depth = 0;
  let max = 0;
  let quote = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === ')' || ch === ']') depth--;
  }
  return max;
}

function field<T>(node: jsep.Expression, key: string, guard: (v: unknown) => v is T): T {
  const value: unknown = node[key];
  return guard(value) ? value : syntax(`malformed ${node.type}`);
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNode = (v: unknown): v is jsep.Expression => typeof v === 'object' && v !== null && 'type' in v;
const isNodeList = (v: unknown): v is jsep.Expression[] => Array.isArray(v) && v.every(isNode);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function toName(raw: string): Expr {
  const hash = raw.startsWith('#');
  const name = hash ? raw.slice(1) : raw;
  const problem = nameProblem(name);
  if (problem) syntax(problem);
  return { type: 'name', name, hash };
}

function literalExponent(e: Expr): number | null {
  if (e.type === 'literal' && typeof e.value === 'number') return e.value;
  if (e.type === 'unary' && e.op !== 'not') {
    const inner = literalExponent(e.operand);
    return inner === null ? null : Math.abs(inner);
  }
  return null;
}

function toExpr(node: jsep.Expression, depth: number): Expr {
  if (depth > EXPRESSION_LIMITS.maxDepth) syntax(`expression is nested more than ${EXPRESSION_LIMITS.maxDepth} levels deep`);
  switch (node.type) {
    case 'Literal': {
      const value: unknown = node.value;
      if (typeof value === 'number' && !Number.isFinite(value)) syntax(`number ${String(node.raw)} is too large`);
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) {
        return { type: 'literal', value };
      }
      return syntax('unsupported literal');
    }
    case 'Identifier':
      return toName(field(node, 'name', isString));
    case 'UnaryExpression': {
      const op = field(node, 'operator', isString);
      if (op !== '-' && op !== '+' && op !== 'not') return syntax(`unsupported operator '${op}'`);
      return { type: 'unary', op, operand: toExpr(field(node, 'argument', isNode), depth + 1) };
    }
    case 'BinaryExpression': {
      const op = field(node, 'operator', isString);
      const left = toExpr(field(node, 'left', isNode), depth + 1);
      const right = toExpr(field(node, 'right', isNode), depth + 1);
      if (op === 'and' || op === 'or') return { type: 'logic', op, left, right };
      if (!ARITH_OPS.has(op)) return syntax(`unsupported operator '${op}'`);
      const exponent = op === '**' ? literalExponent(right) : null;
      if (exponent !== null && Math.abs(exponent) > EXPRESSION_LIMITS.maxExponent) {
        syntax(`exponent ${exponent} is larger than ${EXPRESSION_LIMITS.maxExponent}`);
      }
      return { type: 'arith', op: op as ArithOp, left, right };
    }
    case PY_COMPARE: {
      const ops = field(node, 'operators', isStringList);
      if (!ops.every((op) => COMPARE_OPS.has(op))) syntax('unsupported comparison');
      const operands = field(node, 'operands', isNodeList).map((n) => toExpr(n, depth + 1));
      return { type: 'compare', ops: ops as CompareOp[], operands };
    }
    case 'CallExpression': {
      const callee = field(node, 'callee', isNode);
      const name = callee.type === 'Identifier' ? callee.name : null;
      const fn = EXPRESSION_FUNCTIONS.find((f) => f === name);
      if (!fn) {
        return syntax(typeof name === 'string'
          ? `function '${name}' is not allowed (allowed: ${EXPRESSION_FUNCTIONS.join(', ')})`
          : 'only the functions abs, min, max, round and len can be called');
      }
      const args = field(node, 'arguments', isNodeList).map((n) => toExpr(n, depth + 1));
      const [min, max] = ARITY[fn];
      if (args.length < min || args.length > max) {
        syntax(`${fn}() takes ${min === max ? min : `${min} to ${max === Infinity ? 'any number of' : max}`} argument(s), got ${args.length}`);
      }
      return { type: 'call', fn, args };
    }
    default:
      return syntax(REJECTED[node.type] ?? `unsupported syntax (${node.type})`);
  }
}

function collectNames(e: Expr, out: NameRef[]): void {
  switch (e.type) {
    case 'name':
      if (!out.some((n) => n.name === e.name && n.hash === e.hash)) out.push({ name: e.name, hash: e.hash });
      return;
    case 'unary':
      return collectNames(e.operand, out);
    case 'arith':
    case 'logic':
      collectNames(e.left, out);
      return collectNames(e.right, out);
    case 'compare':
      return e.operands.forEach((o) => collectNames(o, out));
    case 'call':
      return e.args.forEach((a) => collectNames(a, out));
    default:
  }
}

/** Parses and checks an expression. Throws {@link ExpressionSyntaxError} for anything outside the grammar. */
export function compileExpression(source: string): CompiledExpression {
  if (typeof source !== 'string') syntax('an expression must be text');
  if (source.length > EXPRESSION_LIMITS.maxLength) syntax(`expression is longer than ${EXPRESSION_LIMITS.maxLength} characters`);
  if (!source.trim()) syntax('expression is empty');
  if (bracketDepth(source) > EXPRESSION_LIMITS.maxDepth) {
    syntax(`expression is nested more than ${EXPRESSION_LIMITS.maxDepth} levels deep`);
  }
  let node: jsep.Expression;
  try {
    node = parsePythonSyntax(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw error;
    return syntax(error instanceof Error ? error.message : String(error));
  }
  const ast = toExpr(node, 0);
  const names: NameRef[] = [];
  collectNames(ast, names);
  return { source, ast, names };
}

/** The syntax error of `source`, or `null` when it is a valid expression. */
export function expressionError(source: string): string | null {
  try {
    compileExpression(source);
    return null;
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error.message;
    throw error;
  }
}

// ---------------------------------------------------------------- evaluation

function fail(message: string): never {
  throw new ExpressionEvalError(message);
}

function operandTypes(op: string, a: JsonValue, b: JsonValue): never {
  return fail(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function checked(value: number): number {
  if (Number.isNaN(value)) fail('math domain error');
  if (!Number.isFinite(value)) fail('numeric result out of range');
  return value;
}

function repeat(seq: string | JsonValue[], times: number): string | JsonValue[] {
  if (!Number.isInteger(times)) fail(`can't multiply sequence by non-int of type 'float'`);
  const n = Math.max(0, times);
  if (seq.length * n > EXPRESSION_LIMITS.maxSize) fail(`result longer than ${EXPRESSION_LIMITS.maxSize}`);
  if (typeof seq === 'string') return seq.repeat(n);
  const out: JsonValue[] = [];
  for (let i = 0; i < n; i++) out.push(...seq);
  return out;
}

function arith(op: ArithOp, a: JsonValue, b: JsonValue): JsonValue {
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') {
      if (a.length + b.length > EXPRESSION_LIMITS.maxSize) fail(`result longer than ${EXPRESSION_LIMITS.maxSize}`);
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length + b.length > EXPRESSION_LIMITS.maxSize) fail(`result longer than ${EXPRESSION_LIMITS.maxSize}`);
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
      if (Math.abs(y) > EXPRESSION_LIMITS.maxExponent) fail(`exponent ${y} is larger than ${EXPRESSION_LIMITS.maxExponent}`);
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

/** Evaluates against the variables of one sample. Throws {@link ExpressionEvalError}. */
export function evaluateExpression(expression: CompiledExpression, variables: Readonly<Record<string, JsonValue>>): JsonValue {
  return evaluate(expression.ast, variables, 0);
}

/** Evaluates a condition with Python truthiness. */
export function evaluateCondition(expression: CompiledExpression, variables: Readonly<Record<string, JsonValue>>): boolean {
  return truthy(evaluateExpression(expression, variables));
}
