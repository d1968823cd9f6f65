import type { ActionSchema, ParamSchema } from '@ivoryos/contracts';
import { Node, Symbol as MorphSymbol, Type, ts } from 'ts-morph';
import { defaultValue } from './default-value';
import { jsDocDescription, jsDocOptional, jsDocParamText } from './jsdoc';
import { describeReturn, isPromise } from './return-format';
import type { RuntimeMember } from './runtime-members';
import { describeType } from './type-descriptor';
import { parameterTypeNode, returnTypeNode, typeHints } from './type-hints';
import { writtenNullable } from './type-descriptor';

export interface SourceContext {
  deckName: string;
  checker: ts.TypeChecker;
  /** The export's declaration: member types are read as seen from it, so generic bases resolve. */
  at: Node;
}

export type SourceResult =
  | { status: 'hidden' }
  | { status: 'ok'; actions: ActionSchema[]; skipped: { action: string; reason: string }[] }
  /** The source has no usable declaration; the caller falls back to the runtime function. */
  | { status: 'unknown' };

const HIDDEN_MODIFIERS = ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static;

/** The actions of one runtime member, typed from its declaration in the source. */
export function sourceActions(member: RuntimeMember, symbol: MorphSymbol, ctx: SourceContext): SourceResult {
  const decls = symbol.getDeclarations().map((decl) => decl.compilerNode);
  if (decls.some(isHidden)) return { status: 'hidden' };
  return member.kind === 'method' ? methodActions(member.name, symbol, decls, ctx) : accessorActions(member, symbol, decls, ctx);
}

function isHidden(decl: ts.Node): boolean {
  if (!ts.isClassElement(decl) && !ts.isTypeElement(decl)) return false;
  if (decl.name && ts.isPrivateIdentifier(decl.name)) return true;
  return (ts.getCombinedModifierFlags(decl as ts.Declaration) & HIDDEN_MODIFIERS) !== 0;
}

function methodActions(name: string, symbol: MorphSymbol, decls: ts.Node[], ctx: SourceContext): SourceResult {
  // Overloads: the first signature is the documented one.
  const signature = symbol.getTypeAtLocation(ctx.at).getCallSignatures()[0];
  const decl = signature?.getDeclaration().compilerNode;
  if (!signature || !decl) return { status: 'unknown' };

  const params: ParamSchema[] = [];
  for (const [index, paramSymbol] of signature.getParameters().entries()) {
    const paramDecl = paramSymbol.getValueDeclaration()?.compilerNode;
    if (!paramDecl || !ts.isParameter(paramDecl)) return { status: 'unknown' };
    if (paramDecl.dotDotDotToken) continue; // like IvoryOS's *args: not a form field
    if (!ts.isIdentifier(paramDecl.name)) {
      return skippedOne(name, `parameter ${index + 1} is destructured; name it (e.g. \`options: Options\`) to expose this method`);
    }
    const param = sourceParam(paramDecl, paramDecl.name.text, paramSymbol.getTypeAtLocation(ctx.at), ctx);
    if ('reason' in param) return skippedOne(name, `parameter "${paramDecl.name.text}": ${param.reason}`);
    params.push(param);
  }

  const returnType = signature.getReturnType();
  const doc = jsDocDescription(decls.find((d) => ts.isMethodDeclaration(d) || ts.isPropertyDeclaration(d)) ?? decl);
  const action: ActionSchema = {
    name,
    kind: 'method',
    params,
    async: hasAsyncModifier(decl) || isPromise(returnType),
    returns: describeReturn(returnType, returnTypeNode(decl), { deckName: ctx.deckName, checker: ctx.checker, enclosing: decl }),
    ...(doc ? { doc } : {}),
  };
  return { status: 'ok', actions: [action], skipped: [] };
}

function sourceParam(decl: ts.ParameterDeclaration, name: string, type: Type, ctx: SourceContext): ParamSchema | { reason: string } {
  const hints = typeHints(parameterTypeNode(decl), ctx.checker);
  const hasDefault = decl.initializer !== undefined;
  // A default always supplies a value, unless the written type itself admits `undefined`.
  const described = describeType(type, hints, { deckName: ctx.deckName, ignoreUndefined: hasDefault && !writtenNullable(hints) });
  if (!described.ok) return { reason: described.reason };
  const value = decl.initializer ? defaultValue(decl.initializer, ctx.checker) : undefined;
  const optional = hasDefault || decl.questionToken !== undefined || jsDocOptional(decl) || described.nullable;
  const doc = jsDocParamText(decl);
  return {
    name,
    type: described.type,
    required: !optional,
    ...(value !== undefined ? { default: value } : {}),
    ...(described.choices ? { choices: described.choices } : {}),
    ...(doc ? { doc } : {}),
  };
}

function accessorActions(member: Extract<RuntimeMember, { kind: 'accessor' }>, symbol: MorphSymbol, decls: ts.Node[], ctx: SourceContext): SourceResult {
  const getter = decls.find(ts.isGetAccessorDeclaration);
  const setter = decls.find(ts.isSetAccessorDeclaration);
  const type = symbol.getTypeAtLocation(ctx.at);
  const written = accessorTypeNode(getter, setter, decls);
  const enclosing = getter ?? setter ?? decls[0];
  if (!enclosing) return { status: 'unknown' };
  const actions: ActionSchema[] = [];
  const skipped: { action: string; reason: string }[] = [];

  if (member.get) {
    const doc = getter ? jsDocDescription(getter) : undefined;
    actions.push({
      name: member.name,
      kind: 'getter',
      params: [],
      async: isPromise(type),
      returns: describeReturn(type, written, { deckName: ctx.deckName, checker: ctx.checker, enclosing }),
      ...(doc ? { doc } : {}),
    });
  }
  if (member.set) {
    // IvoryOS types the setter's `value` with the getter's annotation.
    const name = `${member.name}_(setter)`;
    const described = describeType(type, typeHints(written, ctx.checker), { deckName: ctx.deckName });
    if (!described.ok) {
      skipped.push({ action: name, reason: `value: ${described.reason}` });
    } else {
      const doc = (setter ? jsDocDescription(setter) : undefined) ?? (getter ? jsDocDescription(getter) : undefined);
      actions.push({
        name,
        kind: 'setter',
        params: [{ name: 'value', type: described.type, required: !described.nullable, ...(described.choices ? { choices: described.choices } : {}) }],
        async: false,
        returns: { kind: 'none', types: [], annotation: '' },
        ...(doc ? { doc } : {}),
      });
    }
  }
  return { status: 'ok', actions, skipped };
}

function accessorTypeNode(
  getter: ts.GetAccessorDeclaration | undefined,
  setter: ts.SetAccessorDeclaration | undefined,
  decls: ts.Node[],
): ts.TypeNode | undefined {
  if (getter) {
    const node = returnTypeNode(getter) ?? ts.getJSDocType(getter);
    if (node) return node;
  }
  const value = setter?.parameters[0];
  if (value) {
    const node = parameterTypeNode(value);
    if (node) return node;
  }
  const property = decls.find((d) => ts.isPropertyDeclaration(d) || ts.isPropertySignature(d));
  return property && (ts.isPropertyDeclaration(property) || ts.isPropertySignature(property)) ? property.type : undefined;
}

function hasAsyncModifier(decl: ts.Node): boolean {
  return ts.canHaveModifiers(decl) && (ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

function skippedOne(action: string, reason: string): SourceResult {
  return { status: 'ok', actions: [], skipped: [{ action, reason }] };
}
