import type { JsonObject, JsonValue } from '@ivoryos/contracts';
import { setOwn } from './names';
import { pyStr } from './python-values';

const EXACT = /^#([A-Za-z_]\w*)$/;
const EMBEDDED = /#([A-Za-z_]\w*)/g;

/** How an argument value refers to variables. */
export type ArgumentReference =
  | { kind: 'exact'; name: string }
  /** IvoryOS's legacy form `{ "<name>": "function_output" }`, which means the bare variable. */
  | { kind: 'legacy'; name: string }
  | { kind: 'text'; names: string[] }
  | null;

export function argumentReference(value: JsonValue): ArgumentReference {
  if (typeof value === 'string') {
    const exact = EXACT.exec(value);
    if (exact) return { kind: 'exact', name: exact[1] };
    const names = textReferences(value);
    return names.length ? { kind: 'text', names } : null;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][1] === 'function_output') return { kind: 'legacy', name: entries[0][0] };
  }
  return null;
}

/** Names written as `#name` inside a text, in order, without repeats. */
export function textReferences(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(EMBEDDED)) if (!names.includes(match[1])) names.push(match[1]);
  return names;
}

/** A `#name` had no value when it was needed. */
export class MissingValueError extends Error {
  override readonly name = 'MissingValueError';
  constructor(readonly variable: string) {
    super(`Missing value for '#${variable}'`);
  }
}

/**
 * Replaces `#name` inside a text with the variable's Python `str()` (`Running A1 at 37`). Unknown names
 * stay as written when `missing` is `keep` (display text such as comments); `throw` raises
 * {@link MissingValueError} (instrument arguments). `#1` or `C#` are never references.
 */
export function substituteText(text: string, vars: Readonly<Record<string, JsonValue>>, missing: 'keep' | 'throw'): string {
  return text.replace(EMBEDDED, (whole, name: string) => {
    if (Object.hasOwn(vars, name)) return pyStr(vars[name]);
    if (missing === 'throw') throw new MissingValueError(name);
    return whole;
  });
}

/** One argument value with its references resolved: exact `#x` keeps the variable's type. */
export function substituteValue(value: JsonValue, vars: Readonly<Record<string, JsonValue>>): JsonValue {
  const ref = argumentReference(value);
  if (!ref) return value;
  if (ref.kind === 'text') return substituteText(value as string, vars, 'throw');
  if (!Object.hasOwn(vars, ref.name)) throw new MissingValueError(ref.name);
  return vars[ref.name];
}

/**
 * IvoryOS's `_substitute_params`, except that a missing exact `#name` is an error instead of `None`, and
 * only names that look like references (`#` + identifier) are replaced.
 */
export function substituteArgs(args: JsonObject, vars: Readonly<Record<string, JsonValue>>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(args)) setOwn(out, key, substituteValue(value, vars));
  return out;
}
