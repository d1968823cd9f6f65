import { parseLinearInequality } from './linear-constraint';
import { SOBOL_MAX_DIMENSIONS } from './sobol';
import type { ConfigIssue, OptimizerConfig } from './types';

const ALGORITHMS = ['gp-logei', 'sobol', 'random'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isParamValue = (v: unknown) => isFiniteNumber(v) || typeof v === 'string' || typeof v === 'boolean';

function checkParameter(name: string, spec: unknown, issues: ConfigIssue[]): 'tunable' | 'fixed' | 'bad' {
  const path = `parameters.${name}`;
  if (!isObject(spec)) {
    issues.push({ path, message: 'must be { min, max, step?, log? }, { choices } or { value }' });
    return 'bad';
  }
  const shapes = ['min' in spec || 'max' in spec, 'choices' in spec, 'value' in spec].filter(Boolean).length;
  if (shapes !== 1) {
    issues.push({ path, message: 'give exactly one of a range (min, max), choices, or a fixed value' });
    return 'bad';
  }
  const known = 'choices' in spec ? ['choices'] : 'value' in spec ? ['value'] : ['min', 'max', 'step', 'log', 'integer'];
  for (const key of Object.keys(spec)) if (!known.includes(key)) issues.push({ path: `${path}.${key}`, message: 'unknown field' });
  if ('value' in spec) {
    if (!isParamValue(spec.value)) issues.push({ path: `${path}.value`, message: 'must be a number, string or boolean' });
    return 'fixed';
  }
  if ('choices' in spec) {
    const choices = spec.choices;
    if (!Array.isArray(choices) || choices.length === 0) {
      issues.push({ path: `${path}.choices`, message: 'must be a non-empty list' });
      return 'bad';
    }
    const before = issues.length;
    choices.forEach((c, i) => {
      if (!isParamValue(c)) issues.push({ path: `${path}.choices.${i}`, message: 'must be a number, string or boolean' });
    });
    if (new Set(choices.map((c) => JSON.stringify(c))).size !== choices.length) {
      issues.push({ path: `${path}.choices`, message: 'has duplicate values' });
    }
    const numeric = choices.filter((c) => typeof c === 'number').length;
    if (numeric > 0 && numeric < choices.length) issues.push({ path: `${path}.choices`, message: 'mixes numbers with strings or booleans' });
    return issues.length === before ? 'tunable' : 'bad';
  }
  const before = issues.length;
  const { min, max, step, log, integer } = spec;
  if (!isFiniteNumber(min)) issues.push({ path: `${path}.min`, message: 'must be a finite number' });
  if (!isFiniteNumber(max)) issues.push({ path: `${path}.max`, message: 'must be a finite number' });
  if (isFiniteNumber(min) && isFiniteNumber(max) && !(max > min)) issues.push({ path: `${path}.max`, message: 'must be greater than min' });
  if (step !== undefined && (!isFiniteNumber(step) || step <= 0)) issues.push({ path: `${path}.step`, message: 'must be a number > 0' });
  if (isFiniteNumber(step) && step > 0 && isFiniteNumber(min) && isFiniteNumber(max) && step > max - min) {
    issues.push({ path: `${path}.step`, message: 'must not exceed max - min' });
  }
  if (log !== undefined && typeof log !== 'boolean') issues.push({ path: `${path}.log`, message: 'must be true or false' });
  if (integer !== undefined && typeof integer !== 'boolean') issues.push({ path: `${path}.integer`, message: 'must be true or false' });
  if (log === true) {
    if (isFiniteNumber(min) && min <= 0) issues.push({ path: `${path}.min`, message: 'must be > 0 on a log scale' });
    if (step !== undefined || integer === true) issues.push({ path: `${path}.log`, message: 'a log scale applies to continuous ranges only (no step, not integer)' });
  }
  if (integer === true) {
    if (isFiniteNumber(min) && !Number.isInteger(min)) issues.push({ path: `${path}.min`, message: 'must be a whole number for an integer range' });
    if (isFiniteNumber(max) && !Number.isInteger(max)) issues.push({ path: `${path}.max`, message: 'must be a whole number for an integer range' });
    if (isFiniteNumber(step) && !Number.isInteger(step)) issues.push({ path: `${path}.step`, message: 'must be a whole number for an integer range' });
  }
  return issues.length === before ? 'tunable' : 'bad';
}

/**
 * Every problem with a config, with paths relative to it ("parameters.x1.max"). Empty means suggest()
 * accepts it. Checks only the optimizer's own rules; what outputs and parameters a workflow has is the caller's.
 */
export function checkConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isObject(config)) return [{ path: '', message: 'must be an object' }];
  const c = config as Partial<OptimizerConfig> & Record<string, unknown>;

  const rangeNames = new Set<string>();
  if (!isObject(c.parameters) || Object.keys(c.parameters).length === 0) {
    issues.push({ path: 'parameters', message: 'must name at least one parameter' });
  } else {
    let tunable = 0;
    for (const [name, spec] of Object.entries(c.parameters)) {
      const kind = checkParameter(name, spec, issues);
      if (kind === 'tunable') tunable++;
      if (kind === 'tunable' && isObject(spec) && 'min' in spec && spec.log !== true) rangeNames.add(name);
    }
    if (tunable === 0 && issues.length === 0) issues.push({ path: 'parameters', message: 'needs at least one range or choice to optimise' });
    if (tunable > SOBOL_MAX_DIMENSIONS) issues.push({ path: 'parameters', message: `at most ${SOBOL_MAX_DIMENSIONS} tunable parameters` });
  }

  if (!Array.isArray(c.objectives) || c.objectives.length === 0) {
    issues.push({ path: 'objectives', message: 'must list at least one objective' });
  } else {
    const seen = new Set<string>();
    c.objectives.forEach((o: unknown, i) => {
      const path = `objectives.${i}`;
      if (!isObject(o)) return issues.push({ path, message: 'must be { output, direction, threshold? }' });
      if (typeof o.output !== 'string' || o.output === '') issues.push({ path: `${path}.output`, message: 'must name an output' });
      else if (seen.has(o.output)) issues.push({ path: `${path}.output`, message: `"${o.output}" is already an objective` });
      else seen.add(o.output);
      if (o.direction !== 'min' && o.direction !== 'max') issues.push({ path: `${path}.direction`, message: 'must be "min" or "max"' });
      if (o.threshold !== undefined && !isFiniteNumber(o.threshold)) issues.push({ path: `${path}.threshold`, message: 'must be a finite number' });
      for (const key of Object.keys(o)) {
        if (!['output', 'direction', 'threshold'].includes(key)) issues.push({ path: `${path}.${key}`, message: 'unknown field' });
      }
      return undefined;
    });
  }

  if (c.constraints !== undefined) {
    if (!Array.isArray(c.constraints)) issues.push({ path: 'constraints', message: 'must be a list of inequalities' });
    else {
      c.constraints.forEach((text: unknown, i) => {
        const path = `constraints.${i}`;
        if (typeof text !== 'string') return issues.push({ path, message: 'must be a string such as "x1 + x2 <= 10"' });
        try {
          const parsed = parseLinearInequality(text);
          for (const name of Object.keys(parsed.coefficients)) {
            if (!isObject(c.parameters) || !(name in c.parameters)) issues.push({ path, message: `"${name}" is not a parameter` });
            else if (!rangeNames.has(name)) issues.push({ path, message: `"${name}" must be a linear-scale range to appear in a constraint` });
          }
        } catch (e) {
          issues.push({ path, message: `not a linear inequality: ${(e as Error).message}` });
        }
        return undefined;
      });
    }
  }

  for (const key of ['initial', 'budget'] as const) {
    const v = c[key];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1)) issues.push({ path: key, message: 'must be a whole number >= 1' });
  }
  if (c.algorithm !== undefined && !ALGORITHMS.includes(c.algorithm as string)) {
    issues.push({ path: 'algorithm', message: `must be one of ${ALGORITHMS.join(', ')}` });
  }
  if (c.noise !== undefined && c.noise !== 'learned' && c.noise !== 'deterministic') {
    issues.push({ path: 'noise', message: 'must be "learned" or "deterministic"' });
  }
  return issues;
}
