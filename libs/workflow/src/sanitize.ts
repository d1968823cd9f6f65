import type { JsonObject, JsonValue } from '@ivoryos/contracts';
import { setOwn } from './names';

const MAX_DEPTH = 64;

function sanitize(value: unknown, seen: Set<object>, depth: number): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity: null, as JSON.stringify and the Python bridge write them; -0 is 0.
      if (!Number.isFinite(value)) return null;
      return Object.is(value, -0) ? 0 : value;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
  }
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (obj instanceof Error) return `${obj.name}: ${obj.message}`;
  seen.add(obj);
  try {
    if (Array.isArray(obj) || obj instanceof Set || ArrayBuffer.isView(obj)) {
      return Array.from(obj as Iterable<unknown>, (item) => sanitize(item, seen, depth + 1));
    }
    const out: JsonObject = {};
    if (obj instanceof Map) {
      for (const [k, v] of obj) setOwn(out, String(k), sanitize(v, seen, depth + 1));
      return out;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return sanitize(toJSON.call(obj), seen, depth + 1);
    for (const [k, v] of Object.entries(obj)) {
      // As JSON.stringify: properties holding undefined or functions are left out.
      if (v === undefined || typeof v === 'function') continue;
      setOwn(out, k, sanitize(v, seen, depth + 1));
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/**
 * IvoryOS's `sanitize_for_json` for JavaScript values, the one sanitiser of driver values (run steps and
 * direct calls alike): dates become ISO text, sets and typed arrays lists, maps objects, objects with
 * `toJSON` use it, class instances their own fields; NaN and ±Infinity become null (as a Python deck's
 * do); cycles and other non-JSON values become descriptive text, so a return value can always be recorded.
 */
export function sanitizeForJson(value: unknown): JsonValue {
  return sanitize(value, new Set(), 0);
}
