import type { ReturnFormat, TypeDescriptor } from '@ivoryos/contracts';
import { Type, ts } from 'ts-morph';
import { describeType } from './type-descriptor';
import { typeHints, unwrapPromiseNode } from './type-hints';

export interface ReturnContext {
  deckName: string;
  checker: ts.TypeChecker;
  /** Where the type is written; names in the annotation are printed relative to it. */
  enclosing: ts.Node;
}

/** `Promise<T>` gives `T`; anything else is returned unchanged. */
export function unwrapPromise(type: Type): Type {
  const args = type.getTypeArguments();
  return type.getSymbol()?.getName() === 'Promise' && args.length === 1 ? args[0] : type;
}

export function isPromise(type: Type): boolean {
  return unwrapPromise(type) !== type;
}

/** IvoryOS's `return_format` for a return type; `Promise<T>` is described as `T`. */
export function describeReturn(type: Type, written: ts.TypeNode | undefined, ctx: ReturnContext): ReturnFormat {
  const inner = unwrapPromise(type);
  const node = inner !== type ? unwrapPromiseNode(written) : written;
  const annotation = node ? node.getText() : ctx.checker.typeToString(inner.compilerType, ctx.enclosing, PRINT_FLAGS);
  const parts = (inner.isUnion() ? inner.getUnionTypes() : [inner]).filter((part) => !isNothing(part));
  if (parts.length === 0 || inner.isNever()) return { kind: 'none', types: [], annotation };
  const hints = typeHints(node, ctx.checker);
  if (parts.length === 1 && parts[0].isTuple()) return tupleFormat(parts[0], tupleElementNodes(hints.nodes), annotation, ctx);
  if (parts.length === 1 && isDict(parts[0])) return { kind: 'dict', types: [], annotation };
  if (inner.isAny() || inner.isUnknown()) return { kind: 'scalar', types: [], annotation };
  return { kind: 'scalar', types: flat(describe(inner, node, ctx)), annotation };
}

// Names relative to the declaration, never `import("/abs/path").X`: the hash must not see paths.
const PRINT_FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function tupleFormat(tuple: Type, elementNodes: (ts.TypeNode | undefined)[], annotation: string, ctx: ReturnContext): ReturnFormat {
  const target = (tuple.compilerType as ts.TypeReference).target as ts.TupleType;
  const variable = target.elementFlags.some((flag) => (flag & ts.ElementFlags.Variable) !== 0);
  const types = tuple.getTupleElements().map((element, i) => {
    const node = elementNodes[i];
    return flat(describe(element, node, ctx)).join('|');
  });
  return { kind: 'tuple', types, annotation, variable_length: variable, arity: variable ? null : types.length };
}

function tupleElementNodes(nodes: readonly ts.TypeNode[]): (ts.TypeNode | undefined)[] {
  const tuple = nodes.find(ts.isTupleTypeNode);
  if (!tuple) return [];
  return tuple.elements.map((element) => {
    const inner = ts.isNamedTupleMember(element) ? element.type : element;
    return ts.isRestTypeNode(inner) || ts.isOptionalTypeNode(inner) ? undefined : inner;
  });
}

function describe(type: Type, node: ts.TypeNode | undefined, ctx: ReturnContext): TypeDescriptor {
  const described = describeType(type, typeHints(node, ctx.checker), { deckName: ctx.deckName });
  return described.ok ? described.type : 'any';
}

function flat(descriptor: TypeDescriptor): string[] {
  return typeof descriptor === 'string' ? [descriptor] : descriptor;
}

function isNothing(part: Type): boolean {
  return part.isVoid() || part.isUndefined() || part.isNull();
}

function isDict(part: Type): boolean {
  return (
    part.isObject() &&
    !part.isArray() &&
    !part.isReadonlyArray() &&
    part.getCallSignatures().length === 0 &&
    part.getConstructSignatures().length === 0
  );
}
