import jsep from 'jsep';

/**
 * The one place that configures jsep. jsep's operator tables and hooks are process-global, so nothing
 * else may touch them.
 *
 * jsep tokenises (numbers, strings, names, groups, calls); the operator grammar is ours, plugged in as a
 * `gobble-expression` hook, because jsep's precedence climbing cannot express Python: `not` binds looser
 * than `==`, comparisons chain (`0 < x < 5`), and `-2 ** 2` is `-(2 ** 2)`. All of jsep's own operators
 * are removed so its fallback parser can never build a node we did not mean to allow.
 */

/** Node type of a (possibly chained) comparison: `operands[0] ops[0] operands[1] ops[1] ...`. */
export const PY_COMPARE = 'PyCompare';

const COMPARE_OPS = ['==', '!=', '<=', '>=', '<', '>'];
const ADD_OPS = ['+', '-'];
const MUL_OPS = ['//', '*', '/', '%'];

/** Operators of other languages, with what to write instead. */
const FOREIGN_OPS: [string, string][] = [
  ['===', "use '==' instead of '==='"],
  ['!==', "use '!=' instead of '!=='"],
  ['&&', "use 'and' instead of '&&'"],
  ['||', "use 'or' instead of '||'"],
  ['<<', "bit shifts are not supported"],
  ['>>', "bit shifts are not supported"],
  ['!', "use 'not' instead of '!'"],
  ['&', "bitwise operators are not supported"],
  ['|', "bitwise operators are not supported"],
  ['^', "bitwise operators are not supported; use '**' for powers"],
  ['~', "bitwise operators are not supported"],
  ['=', "assignment is not supported; use '==' to compare"],
  ['?', "the conditional operator is not supported"],
];

type Scope = jsep.HookScope;
type Node = jsep.Expression;

function isIdentifierPart(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    || code === 95 || code === 35 || code === 36 || code >= 128;
}

function matchWord(p: Scope, word: string): boolean {
  p.gobbleSpaces();
  if (!p.expr.startsWith(word, p.index) || isIdentifierPart(p.expr.charCodeAt(p.index + word.length))) return false;
  p.index += word.length;
  return true;
}

function matchSymbol(p: Scope, ops: readonly string[]): string | null {
  p.gobbleSpaces();
  for (const op of ops) {
    if (!p.expr.startsWith(op, p.index)) continue;
    // `*` must not eat the first half of `**`, `<` not the first half of `<<`, and so on.
    const next = p.expr.charAt(p.index + op.length);
    if ((op === '*' && next === '*') || (op === '/' && next === '/')) return null;
    if ((op === '<' && next === '<') || (op === '>' && next === '>')) return null;
    p.index += op.length;
    return op;
  }
  return null;
}

function rejectForeign(p: Scope): void {
  p.gobbleSpaces();
  for (const [op, hint] of FOREIGN_OPS) {
    if (p.expr.startsWith(op, p.index)) p.throwError(`Unsupported operator '${op}': ${hint}`);
  }
}

function required(p: Scope, node: Node | undefined, after: string): Node {
  if (node) return node;
  rejectForeign(p);
  return p.throwError(`Expected an expression after '${after}'`);
}

function binary(operator: string, left: Node, right: Node): Node {
  return { type: 'BinaryExpression', operator, left, right };
}

function parseOr(p: Scope): Node | undefined {
  let left = parseAnd(p);
  if (!left) return left;
  while (matchWord(p, 'or')) left = binary('or', left, required(p, parseAnd(p), 'or'));
  return left;
}

function parseAnd(p: Scope): Node | undefined {
  let left = parseNot(p);
  if (!left) return left;
  while (matchWord(p, 'and')) left = binary('and', left, required(p, parseNot(p), 'and'));
  return left;
}

function parseNot(p: Scope): Node | undefined {
  if (matchWord(p, 'not')) {
    return { type: 'UnaryExpression', operator: 'not', argument: required(p, parseNot(p), 'not'), prefix: true };
  }
  return parseComparison(p);
}

function parseComparison(p: Scope): Node | undefined {
  const first = parseArith(p);
  if (!first) return first;
  const operators: string[] = [];
  const operands: Node[] = [first];
  for (;;) {
    // `===` would otherwise read as `==` followed by a stray `=`.
    p.gobbleSpaces();
    if (p.expr.startsWith('===', p.index) || p.expr.startsWith('!==', p.index)) rejectForeign(p);
    const op = matchSymbol(p, COMPARE_OPS);
    if (!op) break;
    operators.push(op);
    operands.push(required(p, parseArith(p), op));
  }
  rejectForeign(p);
  return operators.length ? { type: PY_COMPARE, operators, operands } : first;
}

function parseArith(p: Scope): Node | undefined {
  let left = parseTerm(p);
  if (!left) return left;
  let op: string | null;
  while ((op = matchSymbol(p, ADD_OPS))) left = binary(op, left, required(p, parseTerm(p), op));
  return left;
}

function parseTerm(p: Scope): Node | undefined {
  let left = parseUnary(p);
  if (!left) return left;
  let op: string | null;
  while ((op = matchSymbol(p, MUL_OPS))) left = binary(op, left, required(p, parseUnary(p), op));
  return left;
}

function parseUnary(p: Scope): Node | undefined {
  p.gobbleSpaces();
  const ch = p.char;
  if (ch === '-' || ch === '+') {
    p.index += 1;
    return { type: 'UnaryExpression', operator: ch, argument: required(p, parseUnary(p), ch), prefix: true };
  }
  return parsePower(p);
}

function parsePower(p: Scope): Node | undefined {
  const base = parseAtom(p);
  if (!base) return base;
  // Right-associative, and the exponent may carry a sign: 2 ** -1, 2 ** 3 ** 2 == 2 ** 9.
  if (matchSymbol(p, ['**'])) return binary('**', base, required(p, parseUnary(p), '**'));
  return base;
}

function parseAtom(p: Scope): Node | undefined {
  const token = p.gobbleToken();
  if (token) return token;
  rejectForeign(p);
  return undefined;
}

let configured = false;

/** Idempotent; called by the expression module before its first parse. */
export function configureJsep(): void {
  if (configured) return;
  configured = true;
  jsep.removeAllBinaryOps();
  jsep.removeAllUnaryOps();
  jsep.removeAllLiterals();
  jsep.addLiteral('True', true);
  jsep.addLiteral('False', false);
  jsep.addLiteral('None', null);
  // `#temp` is one identifier; the leading `#` is stripped when the name is resolved.
  jsep.addIdentifierChar('#');
  jsep.hooks.add('gobble-expression', function gobblePython(this: Scope, env: { node?: Node }) {
    env.node = parseOr(this);
  });
}

/** Parses Python-style expression text into jsep nodes (plus `PyCompare`). Throws jsep's errors. */
export function parsePythonSyntax(source: string): Node {
  configureJsep();
  return jsep(source);
}
