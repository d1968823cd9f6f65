import type { ActionSchema, FieldError, JsonObject, JsonValue } from '@ivoryos/contracts';
import { convertValue } from '@ivoryos/workflow';

export type KwargsResult = { ok: true; kwargs: JsonObject } | { ok: false; errors: FieldError[] };

/**
 * Check and convert a call's arguments against the action's registered parameters. Strings from
 * forms and CSV files convert by type; unknown and missing arguments are errors (IvoryOS drops
 * unknown ones silently, which hides typos). Optional parameters left out keep the driver's default.
 */
export function convertKwargs(action: ActionSchema, body: unknown): KwargsResult {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) return { ok: false, errors: [{ path: 'body', message: 'arguments must be a JSON object of name: value' }] };
  const given = body as Record<string, JsonValue>;
  const errors: FieldError[] = [];
  const names = new Set(action.params.map((p) => p.name));
  for (const key of Object.keys(given)) {
    if (!names.has(key)) errors.push({ path: key, message: `is not a parameter of ${action.name}; it takes ${[...names].join(', ') || 'no arguments'}` });
  }
  const kwargs: JsonObject = {};
  for (const p of action.params) {
    if (!Object.prototype.hasOwnProperty.call(given, p.name)) {
      if (p.required) errors.push({ path: p.name, message: 'is required' });
      continue;
    }
    const res = convertValue(given[p.name], p.type, p.choices);
    if (res.ok) kwargs[p.name] = res.value;
    else errors.push({ path: p.name, message: res.error });
  }
  return errors.length ? { ok: false, errors } : { ok: true, kwargs };
}
