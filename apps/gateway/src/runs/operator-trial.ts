import type { FieldError, JsonObject } from '@ivoryos/contracts';
import type { OptimizerConfig, ParamValue } from '@ivoryos/optimizer';

/**
 * An operator's trial checked against the campaign's search space: every tunable parameter given, a range's
 * value a number inside it (whole for integer ranges, on the grid for steps), a choice one of the choices;
 * fixed values are filled in. Paths as `parameters.<name>`.
 */
export function checkTrialRow(given: unknown, config: Pick<OptimizerConfig, 'parameters'>): { row: JsonObject | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return { row: null, errors: [{ path: 'parameters', message: 'must be an object of parameter: value' }] };
  const src = given as Record<string, unknown>;
  const row: JsonObject = {};
  for (const name of Object.keys(src)) if (!Object.hasOwn(config.parameters, name)) errors.push({ path: `parameters.${name}`, message: 'is not a parameter of the campaign' });
  for (const [name, spec] of Object.entries(config.parameters)) {
    const path = `parameters.${name}`;
    const v = src[name];
    if ('value' in spec) {
      if (v !== undefined && v !== spec.value) errors.push({ path, message: `is fixed at ${JSON.stringify(spec.value)}` });
      row[name] = spec.value;
      continue;
    }
    if (v === undefined) {
      errors.push({ path, message: 'is required' });
      continue;
    }
    if ('choices' in spec) {
      const hit = spec.choices.find((c) => c === v || (typeof c === 'number' && typeof v === 'string' && v.trim() !== '' && Number(v) === c));
      if (hit === undefined) errors.push({ path, message: `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}` });
      else row[name] = hit as ParamValue;
      continue;
    }
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) errors.push({ path, message: 'must be a number' });
    else if (n < spec.min || n > spec.max) errors.push({ path, message: `must be from ${spec.min} to ${spec.max}` });
    else if (spec.integer && !Number.isInteger(n)) errors.push({ path, message: 'must be a whole number' });
    else if (spec.step && Math.abs((n - spec.min) / spec.step - Math.round((n - spec.min) / spec.step)) > 1e-9) errors.push({ path, message: `must be ${spec.min} plus a multiple of ${spec.step}` });
    else row[name] = n;
  }
  return errors.length ? { row: null, errors } : { row, errors };
}
