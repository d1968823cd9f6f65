import type jsep from 'jsep';
import { checkConstantLimits } from './expression-fold';
import { PY_COMPARE, parsePythonSyntax } from './expression-grammar';
import {
  EXPRESSION_FUNCTIONS, EXPRESSION_LIMITS, ExpressionSyntaxError, type ArithOp, type CompareOp, type CompiledExpression,
  type Expr, type ExpressionFunction, type NameRef,
} from './expression-types';
import { nameProblem } from './names';

export * from './expression-types';
export { evaluateCondition, evaluateExpression } from './expression-eval';

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
  checkConstantLimits(ast);
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
