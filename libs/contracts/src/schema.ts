import { z } from 'zod';
import { jsonValue, type JsonValue } from './json';

/**
 * IvoryOS type descriptor of a parameter (`arg_types` values):
 * `int`, `float`, `str`, `bool`, `list`, `dict`, `any` (`''` in old files),
 * `Enum:<deck>.<Name>`, `Literal:a,b,c`, or a list of those for optional/union types
 * (`["int", "NoneType"]`).
 */
export type TypeDescriptor = string | string[];

/** A selectable value of an enum or literal parameter. For literals `name` is the value as text. */
export interface Choice {
  name: string;
  value: string | number | boolean;
}

/** What an action returns, in IvoryOS's `return_format` shape. */
export interface ReturnFormat {
  kind: 'none' | 'scalar' | 'tuple' | 'dict';
  types: string[];
  annotation: string;
  variable_length?: boolean;
  arity?: number | null;
}

export interface ParamSchema {
  name: string;
  type: TypeDescriptor;
  required: boolean;
  /** Present only when the parameter has a default; `null` for `= null`/`= undefined`. */
  default?: JsonValue;
  /** Enum members or literal values, in declaration order. */
  choices?: Choice[];
  doc?: string;
}

export type ActionKind = 'method' | 'getter' | 'setter';

export interface ActionSchema {
  name: string;
  kind: ActionKind;
  params: ParamSchema[];
  async: boolean;
  returns: ReturnFormat;
  doc?: string;
}

export interface InstrumentSchema {
  /** `deck.<export name>` */
  name: string;
  className?: string;
  doc?: string;
  actions: Record<string, ActionSchema>;
}

/** The interface of one deck module, produced by introspection and registered by its agent. */
export interface DeckSchema {
  schemaVersion: 1;
  deck: string;
  /** sha256 over the schema without display-only text (docs) and paths. */
  hash: string;
  instruments: Record<string, InstrumentSchema>;
  /** Display-only; excluded from the hash. */
  source?: { file: string; language: 'ts' | 'js' | 'py' };
  /** Methods that were left out, with why (callback parameters, streams). Display-only. */
  skipped?: { instrument: string; action: string; reason: string }[];
}

const param = z.looseObject({ name: z.string(), type: z.union([z.string(), z.array(z.string())]), required: z.boolean(), default: jsonValue.optional() });
const action = z.looseObject({ name: z.string(), kind: z.enum(['method', 'getter', 'setter']), params: z.array(param), async: z.boolean(), returns: z.looseObject({ kind: z.string() }) });
const instrument = z.looseObject({ name: z.string(), actions: z.record(z.string(), action) });

/**
 * A registered deck schema as the gateway checks it: what calls and validation rely on. Loose, and
 * display-only text (docs, source) is not checked: the schema comes from introspection, TS or Python.
 */
export const deckSchemaSchema = z.looseObject({
  schemaVersion: z.literal(1),
  deck: z.string().min(1),
  hash: z.string().min(1),
  instruments: z.record(z.string(), instrument),
}) as unknown as z.ZodType<DeckSchema>;
