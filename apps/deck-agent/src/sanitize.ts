import type { JsonObject, JsonValue } from '@ivoryos/contracts';

/** Stands in for a reference back to an enclosing object (a cycle). */
export const CYCLE_MARK = '[Circular]';

/**
 * A driver's return value as JSON, so it can travel in a job result and be stored: undefined
 * → null (also inside objects), Date → ISO text, Map → object, Set → array, BigInt → text, NaN/±Infinity → null,
 * Error → { name, message }, class instances → their own enumerable properties. A value that
 * refers back to an enclosing one is cut with `[Circular]`; shared, acyclic values are copied.
 */
export function sanitize(value: unknown): JsonValue {
  return convert(value, new Set<object>());
}

function convert(value: unknown, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return null;
      return Object.is(value, -0) ? 0 : value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.has(obj)) return CYCLE_MARK;
  ancestors.add(obj);
  try {
    return convertObject(obj, ancestors);
  } finally {
    ancestors.delete(obj);
  }
}

function convertObject(obj: object, ancestors: Set<object>): JsonValue {
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (Array.isArray(obj)) return obj.map((item) => convert(item, ancestors));
  if (obj instanceof Set) return [...obj].map((item) => convert(item, ancestors));
  if (obj instanceof Map) {
    const out: JsonObject = {};
    for (const [key, item] of obj) out[mapKey(key)] = convert(item, ancestors);
    return out;
  }
  if (ArrayBuffer.isView(obj)) {
    const view = obj as unknown as ArrayLike<number | bigint>;
    return Array.from(view, (n) => convert(n, ancestors));
  }
  if (obj instanceof Error) return { name: obj.name, message: obj.message };
  if (obj instanceof RegExp) return obj.toString();
  if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) return convert(obj.valueOf(), ancestors);
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return convert(toJSON.call(obj), ancestors);

  const out: JsonObject = {};
  for (const [key, item] of Object.entries(obj)) {
    // Methods stored as fields are behaviour, not data; an undefined member stays visible as null.
    if (typeof item === 'function' || typeof item === 'symbol') continue;
    out[key] = convert(item, ancestors);
  }
  return out;
}

function mapKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint' || key === null || key === undefined) return String(key);
  return JSON.stringify(sanitize(key));
}
