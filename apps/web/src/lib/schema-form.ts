import type { ActionSchema, Choice, JsonValue, ParamSchema } from '@ivoryos/contracts';
import { convertValue, describeType, parseTypeDescriptor } from '@ivoryos/workflow';

/** Which control a parameter gets (ui-spec §2.6). */
export type FieldKind = 'int' | 'float' | 'bool' | 'choice' | 'text' | 'json';

export type FieldValue = string | number | boolean;

export function fieldKind(param: Pick<ParamSchema, 'type' | 'choices'>): FieldKind {
  if (param.choices?.length) return 'choice';
  const kinds = parseTypeDescriptor(param.type).alternatives.map((a) => a.kind);
  if (kinds.length === 1) {
    const [kind] = kinds;
    if (kind === 'int' || kind === 'float' || kind === 'bool') return kind;
    if (kind === 'str') return 'text';
    if (kind === 'literal' || kind === 'enum') return 'choice';
  }
  if (kinds.length === 2 && kinds.includes('int') && kinds.includes('float')) return 'float';
  return kinds.every((k) => k === 'str' || k === 'any') ? 'text' : 'json';
}

/** Enum members and literal values as select options (free text is not allowed). */
export function choicesOf(param: Pick<ParamSchema, 'type' | 'choices'>): Choice[] {
  if (param.choices?.length) return param.choices;
  const literal = parseTypeDescriptor(param.type).alternatives.find((a) => a.kind === 'literal');
  return literal && literal.kind === 'literal' ? literal.options.map((o) => ({ name: o, value: o })) : [];
}

const KIND_WORDS: Record<string, string> = {
  int: 'whole number', float: 'number', str: 'text', bool: 'yes/no', list: 'list (JSON)', dict: 'object (JSON)', any: 'any value',
  enum: 'one of the choices', literal: 'one of the choices', other: 'value',
};

/** The type in a chemist's words ("number, optional"), not the descriptor ("['float', 'NoneType']"). */
export function typeHint(param: Pick<ParamSchema, 'type' | 'required'>): string {
  const parsed = parseTypeDescriptor(param.type);
  const words = [...new Set(parsed.alternatives.filter((a) => a.kind !== 'none').map((a) => KIND_WORDS[a.kind] ?? a.kind))];
  const text = words.join(' or ') || describeType(param.type) || 'any value';
  return parsed.optional || param.required === false ? `${text}, optional` : text;
}

/**
 * What an empty optional field stands for, shown as its placeholder: the declared default, else the
 * one choice the docstring names ("solvent to dose; Methanol when not given"), else that the method
 * decides. Empty for a required field: it has to be filled.
 */
export function placeholderOf(param: Pick<ParamSchema, 'type' | 'choices' | 'required' | 'default' | 'doc'>): string {
  if (param.required) return '';
  if (param.default !== undefined && param.default !== null) return `${typeof param.default === 'string' ? param.default : JSON.stringify(param.default)} (default)`;
  const named = choicesOf(param).filter((c) => param.doc && new RegExp(`\\b${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(param.doc));
  if (named.length === 1) return `${named[0].name} (when not given)`;
  return 'not given: the method\'s own default';
}

/** The form's starting value: the default when there is one, else empty (or false for a switch). */
export function initialValue(param: ParamSchema): FieldValue {
  const kind = fieldKind(param);
  if (param.default !== undefined && param.default !== null) {
    const d = param.default;
    if (kind === 'bool') return d === true;
    if (typeof d === 'number' || typeof d === 'string') return kind === 'choice' ? String(d) : d;
    return JSON.stringify(d);
  }
  return kind === 'bool' ? false : '';
}

/**
 * Turns form values into call arguments, checking each against its declared type with the same
 * converter the gateway uses. Every problem at once, keyed by parameter name. An empty optional
 * field is left out, so the method's own default applies.
 */
export function collectArgs(action: Pick<ActionSchema, 'params'>, values: Record<string, FieldValue>): { args: Record<string, JsonValue>; errors: Record<string, string> } {
  const args: Record<string, JsonValue> = {};
  const errors: Record<string, string> = {};
  for (const param of action.params) {
    const raw = values[param.name];
    const kind = fieldKind(param);
    const empty = raw === undefined || raw === '';
    if (empty) {
      if (param.required) errors[param.name] = 'Required';
      continue;
    }
    let input: JsonValue = raw;
    if (kind === 'json' && typeof raw === 'string') {
      try {
        input = JSON.parse(raw) as JsonValue;
      } catch {
        input = raw; // not JSON: let the converter read it as text (a bare word for a str alternative)
      }
    }
    const result = convertValue(input, param.type, choicesOf(param));
    if (result.ok) args[param.name] = result.value;
    else errors[param.name] = result.error;
  }
  return { args, errors };
}
