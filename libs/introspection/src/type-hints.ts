import { ts } from 'ts-morph';

/**
 * What the source wrote, as opposed to what the checker resolved. The checker erases
 * `type int = number` and keeps union members in type-id order, so the annotation (or the
 * JSDoc type in a .js file) is read alongside it: for `int`, for literal order, for `| undefined`.
 */
export interface TypeHints {
  /** Top-level members of the written type: unions, parentheses and plain aliases flattened. */
  readonly nodes: readonly ts.TypeNode[];
  readonly checker: ts.TypeChecker;
}

const INT_ALIAS = 'int';
const MAX_ALIAS_DEPTH = 8;

export function typeHints(node: ts.TypeNode | undefined, checker: ts.TypeChecker): TypeHints {
  return { nodes: node ? flatten(node, checker, 0) : [], checker };
}

/** The written type of a parameter: its annotation, or its JSDoc `@param {T}` in JavaScript. */
export function parameterTypeNode(param: ts.ParameterDeclaration): ts.TypeNode | undefined {
  return param.type ?? ts.getJSDocType(param);
}

/** The written return type of a function-like declaration, or its JSDoc `@returns {T}`. */
export function returnTypeNode(decl: ts.SignatureDeclaration): ts.TypeNode | undefined {
  return decl.type ?? ts.getJSDocReturnType(decl);
}

/** `Promise<T>` written in the source gives `T`; anything else is returned unchanged. */
export function unwrapPromiseNode(node: ts.TypeNode | undefined): ts.TypeNode | undefined {
  if (node && ts.isTypeReferenceNode(node) && referenceName(node) === 'Promise' && node.typeArguments?.length === 1) {
    return node.typeArguments[0];
  }
  return node;
}

export function isIntReference(node: ts.TypeNode): boolean {
  return ts.isTypeReferenceNode(node) && referenceName(node) === INT_ALIAS;
}

export function referenceName(node: ts.TypeReferenceNode): string {
  return ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
}

export function isNullishNode(node: ts.TypeNode): boolean {
  return (
    node.kind === ts.SyntaxKind.UndefinedKeyword ||
    node.kind === ts.SyntaxKind.VoidKeyword ||
    (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword)
  );
}

/**
 * Index of the first hint node that denotes `part` (the same checker type, or a union that
 * contains it), or -1. Used to put union members and literal choices back in source order.
 */
export function hintIndex(hints: TypeHints, part: ts.Type): number {
  return hints.nodes.findIndex((node) => {
    const written = hints.checker.getTypeFromTypeNode(node);
    return written === part || (written.isUnion() && written.types.includes(part));
  });
}

function flatten(node: ts.TypeNode, checker: ts.TypeChecker, depth: number): ts.TypeNode[] {
  if (ts.isParenthesizedTypeNode(node)) return flatten(node.type, checker, depth);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap((member) => flatten(member, checker, depth));
  if (ts.isJSDocNullableType(node) || ts.isJSDocNonNullableType(node) || ts.isJSDocOptionalType(node)) {
    return flatten(node.type, checker, depth);
  }
  if (ts.isTypeReferenceNode(node) && !isIntReference(node) && depth < MAX_ALIAS_DEPTH) {
    const aliased = aliasTypeNode(node, checker);
    if (aliased) return flatten(aliased, checker, depth + 1);
  }
  return [node];
}

// `type Speed = 'slow' | 'fast'` (or a JSDoc @typedef): the written type behind a plain alias.
function aliasTypeNode(node: ts.TypeReferenceNode, checker: ts.TypeChecker): ts.TypeNode | undefined {
  let symbol = checker.getSymbolAtLocation(node.typeName);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  for (const decl of symbol?.declarations ?? []) {
    if (ts.isTypeAliasDeclaration(decl) && !decl.typeParameters) return decl.type;
    if (ts.isJSDocTypedefTag(decl) && decl.typeExpression && ts.isJSDocTypeExpression(decl.typeExpression)) {
      return decl.typeExpression.type;
    }
  }
  return undefined;
}
