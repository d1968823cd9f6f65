import { randomUUID } from 'node:crypto';

/** The parts of an OpenAPI 3 schema the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  example?: unknown;
  default?: unknown;
  readOnly?: boolean;
  additionalProperties?: boolean | Schema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Resolves `$ref` and single-entry `allOf` (how Nest's swagger wraps a described reference). */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let depth = 0; depth < 20; depth++) {
    if (s.$ref) s = doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] ?? {};
    else if (s.allOf?.length === 1) s = { ...s, ...s.allOf[0], allOf: undefined };
    else return s;
  }
  return s;
}

/**
 * A value the schema accepts. `known` gives values of top-level fields by name for things that
 * must exist (a saved workflow, a registered deck); anything else comes from the schema: its
 * example, enum, bounds.
 */
export function validValue(doc: OpenApiDocument, schema: Schema | undefined, known: Record<string, Json>, name?: string, depth = 0): Json {
  // Top-level fields only: `workflow` names a saved workflow in a run, but is a list inside an action.
  if (name !== undefined && depth <= 1 && name in known) return known[name];
  const s = resolve(doc, schema);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives?.length) return validValue(doc, alternatives[0], known, name, depth);
  if (s.enum?.length) return s.enum[0] as Json;
  if (s.example !== undefined && depth > 0) return s.example as Json;
  switch (s.type) {
    case 'integer':
    case 'number':
      return s.minimum ?? (typeof s.example === 'number' ? s.example : 1);
    case 'boolean':
      return false;
    case 'array':
      return depth > 6 ? [] : Array.from({ length: s.minItems ?? 1 }, () => validValue(doc, s.items, known, undefined, depth + 1));
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (typeof s.example === 'string') return s.example;
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'object':
    default: {
      if (!s.properties) return {};
      const out: Record<string, Json> = {};
      for (const [key, prop] of Object.entries(s.properties)) {
        if (resolve(doc, prop).readOnly || prop.readOnly) continue;
        if (depth > 6 && !s.required?.includes(key)) continue;
        out[key] = validValue(doc, prop, known, key, depth + 1);
      }
      return out;
    }
  }
}
