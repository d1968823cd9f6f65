import type { JsonValue } from '@ivoryos/contracts';
import { ts } from 'ts-morph';

/**
 * The JSON value of a default initializer, or `undefined` when it is not a plain literal.
 * With a checker, constants and enum members resolve to their values (`Solvent.Methanol` →
 * `'Methanol'`, `DEFAULT_RATE` → `1`); `null` and `undefined` give `null`.
 */
export function defaultValue(init: ts.Expression, checker?: ts.TypeChecker): JsonValue | undefined {
  const expr = skipWrappers(init);
  if (ts.isArrayLiteralExpression(expr)) return arrayValue(expr, checker);
  if (ts.isObjectLiteralExpression(expr)) return objectValue(expr, checker);
  const syntactic = literalValue(expr);
  if (syntactic !== undefined) return syntactic;
  return checker ? constantValue(expr, checker) : undefined;
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
  if (ts.isPrefixUnaryExpression(expr) && ts.isNumericLiteral(expr.operand)) {
    if (expr.operator === ts.SyntaxKind.MinusToken) return finite(-Number(expr.operand.text));
    if (expr.operator === ts.SyntaxKind.PlusToken) return finite(Number(expr.operand.text));
  }
  return undefined;
}

function constantValue(expr: ts.Expression, checker: ts.TypeChecker): JsonValue | undefined {
  const type = checker.getTypeAtLocation(expr);
  if (type.isStringLiteral()) return type.value;
  if (type.isNumberLiteral()) return finite(type.value);
  if (type.flags & ts.TypeFlags.BooleanLiteral) return checker.typeToString(type) === 'true';
  return undefined;
}

function arrayValue(expr: ts.ArrayLiteralExpression, checker?: ts.TypeChecker): JsonValue[] | undefined {
  const items: JsonValue[] = [];
  for (const element of expr.elements) {
    const value = ts.isSpreadElement(element) ? undefined : defaultValue(element, checker);
    if (value === undefined) return undefined;
    items.push(value);
  }
  return items;
}

function objectValue(expr: ts.ObjectLiteralExpression, checker?: ts.TypeChecker): { [key: string]: JsonValue } | undefined {
  const out: { [key: string]: JsonValue } = {};
  for (const property of expr.properties) {
    if (!ts.isPropertyAssignment(property)) return undefined;
    const name = property.name;
    if (!(ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return undefined;
    const value = defaultValue(property.initializer, checker);
    if (value === undefined) return undefined;
    out[name.text] = value;
  }
  return out;
}

function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
