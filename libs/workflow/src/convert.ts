import type { Choice, JsonValue, TypeDescriptor } from '@ivoryos/contracts';
import { readLiteral } from './literal';
import { pyTypeName } from './python-values';

/** One alternative of a type descriptor. `other` is a class name we cannot check (treated like `any`). */
export type TypeAlternative =
  | { kind: 'int' | 'float' | 'str' | 'bool' | 'list' | 'dict' | 'any' | 'none' }
  | { kind: 'enum'; ref: string }
  | { kind: 'literal'; options: string[] }
  | { kind: 'other'; name: string };

export interface ParsedType {
  alternatives: TypeAlternative[];
  /** `None` is accepted (`Optional[...]`, `["int", "NoneType"]`). */
  optional: boolean;
}

export type ConversionResult = { ok: true; value: JsonValue } | { ok: false; error: string };

const SIMPLE: Record<string, TypeAlternative['kind']> = {
  int: 'int', float: 'float', str: 'str', bool: 'bool', list: 'list', tuple: 'list', set: 'list',
  dict: 'dict', any: 'any', '': 'any', Any: 'any', NoneType: 'none', None: 'none',
};

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseOne(name: string): TypeAlternative[] {
  const text = name.trim();
  if (Object.hasOwn(SIMPLE, text)) return [{ kind: SIMPLE[text] } as TypeAlternative];
  if (text.startsWith('Enum:')) return [{ kind: 'enum', ref: text.slice(5) }];
  if (text.startsWith('Literal:')) return [{ kind: 'literal', options: text.slice(8).split(',') }];
  // String annotations (`from __future__ import annotations`) arrive unparsed: Optional[float], List[int].
  const generic = /^(\w+)\[(.*)\]$/.exec(text);
  if (generic) {
    const [, head, inner] = generic;
    if (head === 'Optional') return [...parseOne(inner), { kind: 'none' }];
    if (head === 'Union') return splitTopLevel(inner).flatMap(parseOne);
    if (head === 'Literal') return [{ kind: 'literal', options: splitTopLevel(inner).map((o) => o.replace(/^['"]|['"]$/g, '')) }];
    return parseOne(head.toLowerCase() === head ? head : head.toLowerCase());
  }
  if (text.includes('|')) return text.split('|').flatMap(parseOne);
  return [{ kind: 'other', name: text }];
}

/** Reads an IvoryOS type descriptor (§4.4): `int`, `["int","NoneType"]`, `Enum:deck.Solvent`, `Literal:a,b`. */
export function parseTypeDescriptor(type: TypeDescriptor | null | undefined): ParsedType {
  if (typeof type === 'string') {
    // Descriptors repeat across steps and rows; parsed ones are kept (they are small and few).
    let parsed = parsedCache.get(type);
    if (!parsed) {
      parsed = parseDescriptor(type);
      if (parsedCache.size < 1000) parsedCache.set(type, parsed);
    }
    return parsed;
  }
  return parseDescriptor(type);
}

const parsedCache = new Map<string, ParsedType>();

function parseDescriptor(type: TypeDescriptor | null | undefined): ParsedType {
  const names = Array.isArray(type) ? type : [type ?? ''];
  const all = names.flatMap((n) => parseOne(String(n)));
  const alternatives = all.filter((a) => a.kind !== 'none');
  return {
    alternatives: alternatives.length ? alternatives : all.length ? [] : [{ kind: 'any' }],
    optional: all.some((a) => a.kind === 'none'),
  };
}

/** Human-readable descriptor, for messages. */
export function describeType(type: TypeDescriptor | null | undefined): string {
  if (Array.isArray(type)) return type.join(' | ');
  return type ? type : 'any';
}

/** A cell without a declared type: a literal if it reads as one (`5`, `True`, `[1, 2]`), else the text. */
export function guessValue(text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === '') return text;
  const literal = readLiteral(trimmed);
  return literal === undefined ? text : literal;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off', 'f']);
const INT_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const ok = (value: JsonValue): ConversionResult => ({ ok: true, value });
const no = (error: string): ConversionResult => ({ ok: false, error });

function matchChoice(raw: JsonValue, choices: readonly Choice[]): ConversionResult {
  // By name first (the designer and CSVs use names), then by value, as IvoryOS's enum fields accept both.
  const byName = typeof raw === 'string' ? choices.find((c) => c.name === raw) : undefined;
  if (byName) return ok(byName.value);
  const byValue = choices.find((c) => c.value === raw || (typeof raw === 'string' && String(c.value) === raw));
  if (byValue) return ok(byValue.value);
  return no(`'${String(raw)}' is not one of ${choices.map((c) => c.name).join(', ')}`);
}

function listFromText(text: string): ConversionResult {
  const trimmed = text.trim();
  const literal = readLiteral(trimmed);
  if (Array.isArray(literal)) return ok(literal);
  if (/^[[(]/.test(trimmed)) return no(`'${text}' is not a valid list`);
  if (trimmed === '') return ok([]);
  // Comma-separated items, each read as a literal when it is one: "1,2" -> [1, 2], "a,b" -> ["a", "b"].
  return ok(trimmed.split(',').map((item) => guessValue(item.trim())));
}

function fromText(text: string, alt: TypeAlternative, choices: readonly Choice[] | undefined): ConversionResult {
  const trimmed = text.trim();
  switch (alt.kind) {
    case 'int': {
      if (!INT_TEXT.test(trimmed)) return no(`'${text}' is not an integer`);
      const value = Number(trimmed);
      return Number.isSafeInteger(value) ? ok(value) : no(`'${text}' is too large for an integer`);
    }
    case 'float': {
      const value = Number(trimmed);
      return FLOAT_TEXT.test(trimmed) && Number.isFinite(value) ? ok(value) : no(`'${text}' is not a number`);
    }
    case 'bool': {
      const word = trimmed.toLowerCase();
      if (TRUE_WORDS.has(word)) return ok(true);
      if (FALSE_WORDS.has(word)) return ok(false);
      return no(`'${text}' is not a boolean (use true or false)`);
    }
    case 'str':
      return ok(text);
    case 'list':
      return listFromText(text);
    case 'dict': {
      const literal = readLiteral(trimmed);
      return literal !== null && typeof literal === 'object' && !Array.isArray(literal) ? ok(literal) : no(`'${text}' is not a valid dict`);
    }
    case 'enum':
      return choices?.length ? matchChoice(text, choices) : ok(text);
    case 'literal':
      if (choices?.length) return matchChoice(text, choices);
      return alt.options.includes(text) ? ok(guessValue(text)) : no(`'${text}' is not one of ${alt.options.join(', ')}`);
    case 'none':
      return trimmed === '' || trimmed === 'None' ? ok(null) : no(`'${text}' is not None`);
    case 'any':
    case 'other':
      return trimmed === '' || trimmed === 'None' ? ok(null) : ok(guessValue(text));
  }
}

function fromJson(raw: Exclude<JsonValue, string>, alt: TypeAlternative, choices: readonly Choice[] | undefined): ConversionResult {
  const expected = (name: string): ConversionResult => no(`expected ${name}, got ${pyTypeName(raw)}`);
  switch (alt.kind) {
    case 'int':
      return typeof raw === 'number' && Number.isInteger(raw) ? ok(raw) : expected('int');
    case 'float':
      return typeof raw === 'number' ? ok(raw) : expected('float');
    case 'bool':
      return typeof raw === 'boolean' ? ok(raw) : expected('bool');
    case 'str':
      return expected('str');
    case 'list':
      return Array.isArray(raw) ? ok(raw) : expected('list');
    case 'dict':
      return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? ok(raw) : expected('dict');
    case 'enum':
    case 'literal':
      if (choices?.length) return matchChoice(raw, choices);
      if (alt.kind === 'literal') return alt.options.includes(String(raw)) ? ok(raw) : no(`'${String(raw)}' is not one of ${alt.options.join(', ')}`);
      return raw === null || typeof raw !== 'object' ? ok(raw) : expected('an enum value');
    case 'none':
      return raw === null ? ok(null) : expected('None');
    case 'any':
    case 'other':
      return ok(raw);
  }
}

/**
 * Converts a parameter-table, CSV or form value to the declared type. Text is parsed (`"3"` -> 3 for
 * `int`); typed JSON is checked. Unlike IvoryOS: `"false"` is false, `"5"` stays text for `str`, `"2.7"` is
 * not an `int`, and an enum accepts a member's name or value and returns the value.
 */
export function convertValue(raw: JsonValue, type: TypeDescriptor | null | undefined, choices?: readonly Choice[]): ConversionResult {
  const parsed = parseTypeDescriptor(type);
  if (typeof raw === 'string' && parsed.optional && (raw.trim() === '' || raw.trim() === 'None')) return ok(null);
  if (raw === null) {
    const nullable = parsed.optional || parsed.alternatives.some((a) => a.kind === 'any' || a.kind === 'other');
    return nullable ? ok(null) : no(`a value is required (${describeType(type)})`);
  }
  if (parsed.alternatives.length === 0) return typeof raw === 'string' ? fromText(raw, { kind: 'none' }, choices) : no(`expected None, got ${pyTypeName(raw)}`);
  const takesEmpty = parsed.alternatives.some((a) => a.kind === 'str' || a.kind === 'any' || a.kind === 'other');
  if (typeof raw === 'string' && raw.trim() === '' && !takesEmpty) {
    return no(`a value is required (${describeType(type)})`);
  }
  const errors: string[] = [];
  for (const alt of parsed.alternatives) {
    const result = typeof raw === 'string' ? fromText(raw, alt, choices) : fromJson(raw, alt, choices);
    if (result.ok) return result;
    errors.push(result.error);
  }
  return errors.length === 1 ? no(errors[0]) : no(`cannot convert '${typeof raw === 'string' ? raw : JSON.stringify(raw)}' to any of ${describeType(type)}`);
}
