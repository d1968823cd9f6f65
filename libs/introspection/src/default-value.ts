import type { JsonValue } from '@ivoryos/contracts';
import { ts } from 'ts-morph';

const MAX_DEPTH = 8;

/**
 * The JSON value of a default initializer, or `undefined` when it is not a constant. Literals,
 * arrays and objects of them, arithmetic and string `+` are folded; with a checker, `const`
 * names and enum members resolve too (`Solvent.Methanol` → `'Methanol'`, `5 * MINUTE` → `300`).
 * `null` and `undefined` give `null`. Anything else (a call, `new`, `Math.PI`) is left out:
 * a default cannot be read from the runtime function without running it.
 */
export function defaultValue(init: ts.Expression, checker?: ts.TypeChecker, depth = 0): JsonValue | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const expr = skipWrappers(init);
  if (ts.isArrayLiteralExpression(expr)) return arrayValue(expr, checker, depth);
  if (ts.isObjectLiteralExpression(expr)) return objectValue(expr, checker, depth);
  if (ts.isBinaryExpression(expr)) return binaryValue(expr, checker, depth);
  if (ts.isPrefixUnaryExpression(expr)) return unaryValue(expr, checker, depth);
  const syntactic = literalValue(expr);
  if (syntactic !== undefined) return syntactic;
  if (!checker) return undefined;
  return constantValue(expr, checker) ?? constInitializerValue(expr, checker, depth);
}

function skipWrappers(expr: ts.Expression): ts.Expression {
  let current = expr;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function literalValue(expr: ts.Expression): JsonValue | undefined {
  if (ts.isNumericLiteral(expr)) return finite(Number(expr.text));
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return expr.text;
  if (expr.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (expr.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (expr.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(expr) && expr.text === 'undefined') return null;
  return undefined;
}

function unaryValue(expr: ts.PrefixUnaryExpression, checker: ts.TypeChecker | undefined, depth: number): JsonValue | undefined {
  const operand = defaultValue(expr.operand, checker, depth + 1);
  if (typeof operand !== 'number') return undefined;
  if (expr.operator === ts.SyntaxKind.MinusToken) return finite(-operand);
  return expr.operator === ts.SyntaxKind.PlusToken ? operand : undefined;
}

function constantValue(expr: ts.Expression, checker: ts.TypeChecker): JsonValue | undefined {
  const type = checker.getTypeAtLocation(expr);
  if (type.isStringLiteral()) return type.value;
  if (type.isNumberLiteral()) return finite(type.value);
  if (type.flags & ts.TypeFlags.BooleanLiteral) return checker.typeToString(type) === 'true';
  return undefined;
}

// `const TIMEOUT_S = 5 * 60` has type number, not a literal: fold its initializer instead.
function constInitializerValue(expr: ts.Expression, checker: ts.TypeChecker, depth: number): JsonValue | undefined {
  if (!ts.isIdentifier(expr)) return undefined;
  let symbol = checker.getSymbolAtLocation(expr);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decl = symbol?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  const isConst = ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Const) !== 0;
  return isConst ? defaultValue(decl.initializer, checker, depth + 1) : undefined;
}

function binaryValue(expr: ts.BinaryExpression, checker: ts.TypeChecker | undefined, depth: number): JsonValue | undefined {
  const left = defaultValue(expr.left, checker, depth + 1);
  const right = defaultValue(expr.right, checker, depth + 1);
  if (typeof left === 'string' || typeof right === 'string') {
    const bothText = (typeof left === 'string' || typeof left === 'number') && (typeof right === 'string' || typeof right === 'number');
    return expr.operatorToken.kind === ts.SyntaxKind.PlusToken && bothText ? `${left}${right}` : undefined;
  }
  if (typeof left !== 'number' || typeof right !== 'number') return undefined;
  switch (expr.operatorToken.kind) {
    case ts.SyntaxKind.PlusToken:
      return finite(left + right);
    case ts.SyntaxKind.MinusToken:
      return finite(left - right);
    case ts.SyntaxKind.AsteriskToken:
      return finite(left * right);
    case ts.SyntaxKind.SlashToken:
      return finite(left / right);
    case ts.SyntaxKind.PercentToken:
      return finite(left % right);
    case ts.SyntaxKind.AsteriskAsteriskToken:
      return finite(left ** right);
    default:
      return undefined;
  }
}

function arrayValue(expr: ts.ArrayLiteralExpression, checker: ts.TypeChecker | undefined, depth: number): JsonValue[] | undefined {
  const items: JsonValue[] = [];
  for (const element of expr.elements) {
    const value = ts.isSpreadElement(element) ? undefined : defaultValue(element, checker, depth + 1);
    if (value === undefined) return undefined;
    items.push(value);
  }
  return items;
}

function objectValue(expr: ts.ObjectLiteralExpression, checker: ts.TypeChecker | undefined, depth: number): { [key: string]: JsonValue } | undefined {
  const out: { [key: string]: JsonValue } = {};
  for (const property of expr.properties) {
    if (!ts.isPropertyAssignment(property)) return undefined;
    const name = property.name;
    if (!(ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return undefined;
    const value = defaultValue(property.initializer, checker, depth + 1);
    if (value === undefined) return undefined;
    out[name.text] = value;
  }
  return out;
}

function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
