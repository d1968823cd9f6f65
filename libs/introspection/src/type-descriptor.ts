import type { Choice, TypeDescriptor } from '@ivoryos/contracts';
import { Type, ts } from 'ts-morph';
import { hintIndex, isIntReference, isNullishNode, referenceName, type TypeHints } from './type-hints';

/** A parameter type as IvoryOS describes it, or why it cannot be given from a workflow. */
export type Described =
  | { ok: true; type: TypeDescriptor; choices?: Choice[]; nullable: boolean }
  | { ok: false; reason: string };

export interface DescribeOptions {
  /** Deck name used in `Enum:<deck>.<Name>`. */
  deckName: string;
  /**
   * Drop `undefined` from the type: a JSDoc `[name]` with a default makes the checker add it,
   * but the parameter then always has a value.
   */
  ignoreUndefined?: boolean;
}

interface Entry {
  descriptor: string;
  choices?: Choice[];
  order: number;
}

// Types a workflow cannot produce: binary buffers and streams (IvoryOS hides BinaryIO/TextIO too).
const IO_TYPE_NAMES = new Set([
  'Buffer', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Blob', 'File', 'Stream', 'Readable', 'Writable',
  'Duplex', 'Transform', 'PassThrough', 'ReadStream', 'WriteStream', 'ReadableStream', 'WritableStream',
  'TransformStream', 'ReadWriteStream', 'Socket', 'FileHandle',
]);
const TYPED_ARRAY = /^(Big)?(Int|Uint|Float)(8|16|32|64)(Clamped)?Array$/;

export function describeType(type: Type, hints: TypeHints, options: DescribeOptions): Described {
  const all = type.isUnion() ? type.getUnionTypes() : [type];
  const parts = options.ignoreUndefined ? all.filter((part) => !part.isUndefined()) : all;
  const present = parts.filter((part) => !(part.isNull() || part.isUndefined() || part.isVoid()));
  const nullable = present.length < parts.length && present.length > 0;
  if (present.length === 0) return { ok: true, type: 'any', nullable: false };

  const entries: Entry[] = [];
  const booleans = present.filter((part) => part.isBooleanLiteral());
  if (booleans.length > 0) entries.push({ descriptor: 'bool', order: minOrder(booleans, hints) });
  entries.push(...enumEntries(present.filter((part) => part.isEnumLiteral() || part.isEnum()), hints, options));
  const literals = present.filter((part) => !part.isEnumLiteral() && (part.isStringLiteral() || part.isNumberLiteral()));
  if (literals.length > 0) entries.push(literalEntry(literals, hints));

  for (const part of present) {
    if (part.isBooleanLiteral() || part.isEnumLiteral() || part.isEnum() || literals.includes(part)) continue;
    const single = describeSingle(part, hints);
    if (typeof single !== 'string') return single;
    if (!entries.some((entry) => entry.descriptor === single)) entries.push({ descriptor: single, order: order(part, hints) });
  }

  entries.sort((a, b) => a.order - b.order);
  const choices = entries.find((entry) => entry.choices)?.choices;
  const names = entries.map((entry) => entry.descriptor);
  const descriptor: TypeDescriptor = names.length === 1 && !nullable ? names[0] : [...names, ...(nullable ? ['NoneType'] : [])];
  return { ok: true, type: descriptor, nullable, ...(choices ? { choices } : {}) };
}

function describeSingle(part: Type, hints: TypeHints): string | { ok: false; reason: string } {
  if (part.isNumber()) return isInt(part, hints) ? 'int' : 'float';
  if (part.isString() || part.isTemplateLiteral()) return 'str';
  if (part.isBoolean()) return 'bool';
  if (part.isAny() || part.isUnknown()) return writtenInt(hints) ? 'int' : unsupportedHint(hints) ?? 'any';
  const io = ioTypeName(part);
  if (io) return { ok: false, reason: `binary or stream data (${io}) cannot be given from a workflow` };
  if (part.getCallSignatures().length > 0 || part.getConstructSignatures().length > 0) {
    return { ok: false, reason: `a callback (${writtenText(hints) ?? 'function'}) cannot be given from a workflow` };
  }
  if (part.isArray() || part.isReadonlyArray() || part.isTuple()) return 'list';
  if (part.isObject()) return 'dict';
  return 'any';
}

// `int` is an alias of number: it shows only in the written type.
function isInt(part: Type, hints: TypeHints): boolean {
  const index = hintIndex(hints, part.compilerType);
  if (index >= 0) return isIntReference(hints.nodes[index]);
  return hints.nodes.some(isIntReference);
}

// `@param {int} n` in a .js file without a typedef: the checker has nothing, the text says int.
function writtenInt(hints: TypeHints): boolean {
  const written = hints.nodes.filter((node) => !isNullishNode(node));
  return written.length === 1 && isIntReference(written[0]);
}

// The checker's text of a type from another file can hold an absolute import path; the source's cannot.
function writtenText(hints: TypeHints): string | undefined {
  const written = hints.nodes.filter((node) => !isNullishNode(node));
  return written.length > 0 ? written.map((node) => node.getText()).join(' | ') : undefined;
}

// An unresolved written type (no @types/node, say) still names what it is.
function unsupportedHint(hints: TypeHints): { ok: false; reason: string } | undefined {
  for (const node of hints.nodes) {
    if (ts.isFunctionTypeNode(node)) return { ok: false, reason: `a callback (${node.getText()}) cannot be given from a workflow` };
    if (ts.isTypeReferenceNode(node) && isIoName(referenceName(node))) {
      return { ok: false, reason: `binary or stream data (${referenceName(node)}) cannot be given from a workflow` };
    }
  }
  return undefined;
}

function ioTypeName(part: Type): string | undefined {
  const seen = new Set<Type>();
  const visit = (type: Type): string | undefined => {
    if (seen.has(type)) return undefined;
    seen.add(type);
    const name = type.getSymbol()?.getName();
    if (name && isIoName(name)) return name;
    for (const base of type.getBaseTypes()) {
      const found = visit(base);
      if (found) return found;
    }
    return undefined;
  };
  return visit(part);
}

function isIoName(name: string): boolean {
  return IO_TYPE_NAMES.has(name) || TYPED_ARRAY.test(name);
}

function enumEntries(parts: Type[], hints: TypeHints, options: DescribeOptions): Entry[] {
  const byEnum = new Map<ts.EnumDeclaration, Type[]>();
  for (const part of parts) {
    const decl = enumDeclaration(part);
    if (decl) byEnum.set(decl, [...(byEnum.get(decl) ?? []), part]);
  }
  return [...byEnum].map(([decl, members]) => ({
    descriptor: `Enum:${options.deckName}.${decl.name.text}`,
    choices: enumChoices(decl, hints.checker),
    order: minOrder(members, hints),
  }));
}

function enumDeclaration(part: Type): ts.EnumDeclaration | undefined {
  const decl = part.getSymbol()?.getDeclarations()[0]?.compilerNode;
  if (decl && ts.isEnumMember(decl)) return decl.parent;
  if (decl && ts.isEnumDeclaration(decl)) return decl;
  return undefined;
}

function enumChoices(decl: ts.EnumDeclaration, checker: ts.TypeChecker): Choice[] {
  return decl.members.map((member) => {
    const value = checker.getConstantValue(member);
    return { name: member.name.getText(), value: value ?? member.name.getText() };
  });
}

// Literal choices in the order written, not the checker's type-id order.
function literalEntry(parts: Type[], hints: TypeHints): Entry {
  const sorted = [...parts].sort((a, b) => order(a, hints) - order(b, hints));
  const choices = sorted.map((part) => {
    const value = part.getLiteralValue() as string | number;
    return { name: String(value), value };
  });
  return { descriptor: `Literal:${choices.map((choice) => choice.name).join(',')}`, choices, order: minOrder(parts, hints) };
}

/** True when the written type says the value may be absent (`| undefined`, `| null`). */
export function writtenNullable(hints: TypeHints): boolean {
  return hints.nodes.some(isNullishNode);
}

function order(part: Type, hints: TypeHints): number {
  const index = hintIndex(hints, part.compilerType);
  return index >= 0 ? index : Number.MAX_SAFE_INTEGER;
}

function minOrder(parts: Type[], hints: TypeHints): number {
  return Math.min(...parts.map((part) => order(part, hints)));
}
