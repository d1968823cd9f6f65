import type { ActionSchema, ParamSchema, ReturnFormat } from '@ivoryos/contracts';
import { ts } from 'ts-morph';
import { defaultValue } from './default-value';
import type { RuntimeMember } from './runtime-members';

const UNKNOWN_RETURN: ReturnFormat = { kind: 'scalar', types: [], annotation: '' };

/**
 * Actions for a member found at runtime but not in the source (a mixin, a method added to a
 * prototype): parameter names and literal defaults come from the function's own text, every
 * type is `any`, and the return is an unannotated scalar.
 */
export function runtimeOnlyActions(member: RuntimeMember): ActionSchema[] {
  if (member.kind === 'method') {
    return [{ name: member.name, kind: 'method', params: runtimeParams(member.text, member.arity), async: member.async, returns: UNKNOWN_RETURN }];
  }
  const actions: ActionSchema[] = [];
  if (member.get) actions.push({ name: member.name, kind: 'getter', params: [], async: false, returns: UNKNOWN_RETURN });
  if (member.set) {
    actions.push({
      name: `${member.name}_(setter)`,
      kind: 'setter',
      params: [{ name: 'value', type: 'any', required: true }],
      async: false,
      returns: { kind: 'none', types: [], annotation: '' },
    });
  }
  return actions;
}

/** Parameters from a function's source text (`Function.prototype.toString`) and its arity. */
export function runtimeParams(text: string, arity: number): ParamSchema[] {
  const params: ParamSchema[] = [];
  const parsed = parseParameters(text);
  parsed.forEach((param, i) => {
    if (param.dotDotDotToken) return;
    const name = ts.isIdentifier(param.name) ? param.name.text : `arg${i}`;
    const value = param.initializer ? defaultValue(param.initializer) : undefined;
    params.push({ name, type: 'any', required: !param.initializer, ...(value !== undefined ? { default: value } : {}) });
  });
  // Native or unparsable code: only the arity is known.
  for (let i = params.length; i < arity; i++) params.push({ name: `arg${i}`, type: 'any', required: true });
  return params;
}

// Function text comes as `function f(a) {}`, `(a) => a`, or method syntax `f(a) {}`, `get x() {}`.
function parseParameters(text: string): readonly ts.ParameterDeclaration[] {
  const asExpression = firstStatementExpression(`(${text});`);
  if (asExpression && (ts.isFunctionExpression(asExpression) || ts.isArrowFunction(asExpression))) return asExpression.parameters;
  const asMember = firstStatementExpression(`({${text}});`);
  if (asMember && ts.isObjectLiteralExpression(asMember)) {
    const member = asMember.properties[0];
    if (member && (ts.isMethodDeclaration(member) || ts.isGetAccessor(member) || ts.isSetAccessor(member))) return member.parameters;
  }
  return [];
}

function firstStatementExpression(source: string): ts.Expression | undefined {
  const file = ts.createSourceFile('runtime.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const statement = file.statements[0];
  if (!statement || !ts.isExpressionStatement(statement)) return undefined;
  let expr = statement.expression;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  return expr;
}
