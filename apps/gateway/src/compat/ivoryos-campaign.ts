import type { FieldError, JsonObject, JsonValue } from '@ivoryos/contracts';
import { BUILT_IN } from '../runs/submit/optimizer-run-plan';

/** IvoryOS's registry keys the built-in optimizer answers for, and its own. */
export const OPTIMIZER_KEYS = ['builtin', 'ax', 'baybe', 'nimo'] as const;

/** `get_schema()` of the built-in optimizer, in IvoryOS's fields (ivoryos-behaviour.md §7.2): only what it supports. */
export function builtInSchema(key: string): JsonObject {
  return {
    parameter_types: ['range', 'choice', 'fixed'],
    multiple_objectives: true,
    supports_continuous: true,
    supports_constraints: true,
    optimizer_config: { step_1: { model: ['Sobol'], num_samples: 5 }, step_2: { model: ['GP-LogEI', 'Sobol', 'Random'] } },
    additional_field: { seed: { type: 'int' }, noise: { type: 'choice', options: ['learned', 'deterministic'] } },
    served_by: key === 'builtin' ? BUILT_IN : `${BUILT_IN}: IvoryOS's ${key} adapter is not installed here, the built-in optimizer answers for it`,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
const bool = (v: unknown): unknown => (v === 'true' || v === 'True' ? true : v === 'false' || v === 'False' ? false : v);
const STEP_2: Record<string, string> = { 'gp-logei': 'gp-logei', sobol: 'sobol', random: 'random' };

/**
 * IvoryOS's campaign request (`POST /executions/campaign` JSON, ivoryos-behaviour.md §7.3) as our
 * `optimizer` object: `parameters` [{ name, type, value_type, bounds | values | value }] → ranges, choices
 * and fixed values; `objectives` [{ name, minimize, early_stop }] → direction and threshold;
 * `parameter_constraints` → constraints; `repeat × batch_size` → budget; `steps.step_1.num_samples` →
 * the initial design; `steps.step_2.model` → the algorithm; `existing_data` (a CSV name) → seeding from
 * config_csv/; `additional_params.seed` and `.noise`. Problems the translation finds are reported by
 * IvoryOS's field names; the rest are checked as any optimizer run is.
 */
export function campaignRequest(body: Record<string, unknown>): { optimizer: JsonObject; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const parameters: JsonObject = {};
  const given = Array.isArray(body.parameters) ? body.parameters : [];
  if (!Array.isArray(body.parameters)) errors.push({ path: 'parameters', message: 'must be a list of { name, type, bounds | value }' });
  given.forEach((p, i) => {
    const path = `parameters[${i}]`;
    if (!isObject(p) || typeof p.name !== 'string' || !p.name) return errors.push({ path, message: 'must be { name, type, value_type, bounds | value }' });
    const bounds = Array.isArray(p.bounds) ? p.bounds.map(num) : undefined;
    const intType = p.value_type === 'int';
    if (p.type === 'range') {
      if (!bounds || (bounds.length !== 2 && bounds.length !== 3)) return errors.push({ path: `${path}.bounds`, message: 'a range needs [min, max] or [min, max, step]' });
      const [min, max, step] = bounds;
      parameters[p.name] = { min: min as JsonValue, max: max as JsonValue, ...(step !== undefined ? { step: step as JsonValue } : intType ? { step: 1 } : {}) };
    } else if (p.type === 'choice') {
      const values = Array.isArray(p.values) ? p.values : bounds;
      if (!values || values.length === 0) return errors.push({ path: `${path}.bounds`, message: 'a choice needs its values' });
      parameters[p.name] = { choices: (p.value_type === 'str' ? values : values.map(num)) as JsonValue[] };
    } else if (p.type === 'fixed') {
      if (p.value === undefined) return errors.push({ path: `${path}.value`, message: 'a fixed parameter needs its value' });
      parameters[p.name] = { value: (p.value_type === 'str' ? p.value : num(p.value)) as JsonValue };
    } else errors.push({ path: `${path}.type`, message: 'must be range, choice or fixed' });
  });
  const objectives: JsonObject[] = [];
  const goals = Array.isArray(body.objectives) ? body.objectives : [];
  if (!Array.isArray(body.objectives) || goals.length === 0) errors.push({ path: 'objectives', message: 'must be a list of { name, minimize }' });
  goals.forEach((o, i) => {
    if (!isObject(o) || typeof o.name !== 'string') return errors.push({ path: `objectives[${i}]`, message: 'must be { name, minimize, early_stop? }' });
    const threshold = num(o.early_stop);
    objectives.push({
      output: o.name, direction: bool(o.minimize) === false ? 'max' : 'min',
      ...(typeof threshold === 'number' && Number.isFinite(threshold) ? { threshold } : {}),
    });
  });
  const repeat = num(body.repeat ?? 1);
  const batchSize = num(body.batch_size ?? 1);
  const steps = isObject(body.steps) ? body.steps : {};
  const step1 = isObject(steps.step_1) ? steps.step_1 : {};
  const step2 = isObject(steps.step_2) ? steps.step_2 : {};
  const extra = isObject(body.additional_params) ? body.additional_params : {};
  const model = typeof step2.model === 'string' ? STEP_2[step2.model.toLowerCase()] : undefined;
  const optimizer: JsonObject = {
    objectives, parameters,
    budget: (typeof repeat === 'number' && typeof batchSize === 'number' ? repeat * batchSize : repeat) as JsonValue,
    batchSize: batchSize as JsonValue,
    ...(step1.num_samples !== undefined && step1.num_samples !== null && step1.num_samples !== '' ? { initial: num(step1.num_samples) as JsonValue } : {}),
    ...(Array.isArray(body.parameter_constraints) && body.parameter_constraints.length ? { constraints: body.parameter_constraints as JsonValue } : {}),
    ...(typeof body.existing_data === 'string' && body.existing_data ? { seedFrom: [{ csv: body.existing_data }] } : {}),
    ...(model ? { algorithm: model } : {}),
    ...(extra.seed !== undefined ? { seed: num(extra.seed) as JsonValue } : {}),
    ...(extra.noise !== undefined ? { noise: extra.noise as JsonValue } : {}),
  };
  return { optimizer, errors };
}

/** Our field paths (`optimizer.objectives[0].output`) in IvoryOS's request names (`objectives[0].output`). */
export function ivoryosPath(path: string): string {
  return path
    .replace(/^optimizer\.budget$/, 'repeat')
    .replace(/^optimizer\.batchSize$/, 'batch_size')
    .replace(/^optimizer\.initial$/, 'steps.step_1.num_samples')
    .replace(/^optimizer\.constraints/, 'parameter_constraints')
    .replace(/^optimizer\.seedFrom\[0\](\.csv)?$/, 'existing_data')
    .replace(/^optimizer\./, '');
}
