import type { Choice, FieldError, JsonValue, TypeDescriptor } from '@ivoryos/contracts';
import { checkConfig, type OptimizerConfig, type ParameterSpec, type ParamValue } from '@ivoryos/optimizer';
import { convertValue, describeType, parseTypeDescriptor, type ParameterInfo } from '@ivoryos/workflow';
import { isUuid } from '../../common/param-pipes';

/** A campaign as the run keeps it: the optimizer's config plus what the run loop needs. */
export interface OptimizerPlan {
  config: OptimizerConfig;
  budget: number;
  batchSize: number;
  seed: number;
  earlyStop: { patience: number; minImprovement: number } | null;
  /** Earlier runs (ids) or CSV files (names under config_csv/) whose trials seed the model. */
  seedFrom: Array<string | { csv: string }>;
}

/** What a workflow offers an optimizer: its run parameters and the outputs its script phase saves. */
export interface WorkflowInterface {
  parameters: ParameterInfo[];
  outputs: string[];
  /** The choices of an enum or literal type, from the deck's schema. */
  choicesOf: (type: TypeDescriptor) => Choice[] | undefined;
}

const KNOWN = ['objectives', 'parameters', 'constraints', 'budget', 'initial', 'batchSize', 'seed', 'earlyStop', 'seedFrom', 'algorithm', 'noise'];
const MAX_BUDGET = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWhole = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** The optimizer library's paths ("objectives.0.output") in the API's style ("optimizer.objectives[0].output"). */
function apiPath(path: string): string {
  if (path === '') return 'optimizer';
  const parts = path.split('.');
  // parameter names are object keys and may contain digits only: keep "parameters.<name>" as is
  const out = parts.map((p, i) => (/^\d+$/.test(p) && parts[i - 1] !== 'parameters' ? `[${p}]` : `.${p}`)).join('');
  return `optimizer${out}`;
}

type Kind = 'int' | 'float' | 'numeric' | 'choice' | 'str' | 'bool' | 'any';

/** How a run parameter's declared type can be searched. */
function kindOf(type: TypeDescriptor): Kind {
  const kinds = new Set(parseTypeDescriptor(type).alternatives.map((a) => a.kind));
  if (kinds.size === 0 || kinds.has('any') || kinds.has('other')) return 'any';
  if (kinds.has('enum') || kinds.has('literal')) return 'choice';
  if ([...kinds].every((k) => k === 'int')) return 'int';
  if ([...kinds].every((k) => k === 'float')) return 'float';
  if ([...kinds].every((k) => k === 'int' || k === 'float')) return 'numeric';
  if ([...kinds].every((k) => k === 'bool')) return 'bool';
  return 'str';
}

/** One run parameter's spec, checked against its type; values converted as a parameter table's cells are. */
function parameterSpec(info: ParameterInfo, spec: unknown, choices: Choice[] | undefined, errors: FieldError[]): ParameterSpec | null {
  const path = `optimizer.parameters.${info.name}`;
  const type = describeType(info.type);
  if (!isObject(spec)) {
    errors.push({ path, message: 'must be { min, max, step?, log? }, { choices } or { value }' });
    return null;
  }
  const kind = kindOf(info.type);
  const convert = (raw: unknown, at: string): ParamValue | null => {
    const result = convertValue(raw as JsonValue, info.type, choices);
    if (!result.ok) {
      errors.push({ path: at, message: result.error });
      return null;
    }
    const v = result.value;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    errors.push({ path: at, message: `must be a number, text or true/false, not ${JSON.stringify(v)}` });
    return null;
  };
  if ('min' in spec || 'max' in spec) {
    if (!['int', 'float', 'numeric', 'any'].includes(kind)) {
      errors.push({ path: `${path}.min`, message: `a range needs a numeric parameter; ${info.name} is ${type}: give choices or a value` });
      return null;
    }
    // the optimizer checks min, max, step and log; an int parameter makes the range an integer one
    return { ...(spec as object), ...(kind === 'int' ? { integer: true } : {}) } as ParameterSpec;
  }
  if ('choices' in spec) {
    if (!Array.isArray(spec.choices)) return spec as unknown as ParameterSpec; // the optimizer names the problem
    const values = spec.choices.map((c, i) => convert(c, `${path}.choices[${i}]`));
    return values.every((v) => v !== null) ? { choices: values as ParamValue[] } : null;
  }
  if ('value' in spec) {
    const value = convert(spec.value, `${path}.value`);
    return value === null ? null : { value };
  }
  return spec as unknown as ParameterSpec;
}

/**
 * Checks `POST /api/runs`'s `optimizer` object against the workflow (every problem at once, by field
 * path: an unknown output, a range on a text parameter, a budget of 0, …) and returns the campaign to
 * keep with the run. `seed` is used when the request gives none, so the campaign can be replayed.
 */
export function checkOptimizerRequest(input: unknown, workflow: WorkflowInterface, seed: number): { plan: OptimizerPlan | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isObject(input)) return { plan: null, errors: [{ path: 'optimizer', message: 'must be an object' }] };
  for (const key of Object.keys(input)) if (!KNOWN.includes(key)) errors.push({ path: `optimizer.${key}`, message: 'unknown field' });

  if (workflow.outputs.length === 0) {
    errors.push({ path: 'optimizer', message: 'the workflow saves no outputs in its script phase: an optimizer needs something to optimise' });
  }
  const parameters: Record<string, ParameterSpec> = {};
  const given = isObject(input.parameters) ? input.parameters : {};
  if (!isObject(input.parameters)) errors.push({ path: 'optimizer.parameters', message: 'must give each run parameter a range, choices or a value' });
  for (const info of workflow.parameters) {
    if (!(info.name in given)) {
      if (isObject(input.parameters)) {
        errors.push({ path: `optimizer.parameters.${info.name}`, message: `the workflow's run parameter ${info.name} needs a range, choices or a value` });
      }
      continue;
    }
    const spec = parameterSpec(info, given[info.name], workflow.choicesOf(info.type), errors);
    if (spec) parameters[info.name] = spec;
  }
  for (const name of Object.keys(given)) {
    if (!workflow.parameters.some((p) => p.name === name)) errors.push({ path: `optimizer.parameters.${name}`, message: 'is not a run parameter of the workflow' });
  }

  if (Array.isArray(input.objectives)) {
    input.objectives.forEach((o, i) => {
      if (isObject(o) && typeof o.output === 'string' && o.output !== '' && !workflow.outputs.includes(o.output)) {
        errors.push({ path: `optimizer.objectives[${i}].output`, message: `"${o.output}" is not an output of the workflow (it saves: ${workflow.outputs.join(', ') || 'nothing'})` });
      }
    });
  }

  const budget = input.budget;
  if (budget === undefined) errors.push({ path: 'optimizer.budget', message: 'is required: the total number of trials, initial design included' });
  else if (!isWhole(budget, 1, MAX_BUDGET)) errors.push({ path: 'optimizer.budget', message: `must be a whole number from 1 to ${MAX_BUDGET}` });
  const budgetOk = isWhole(budget, 1, MAX_BUDGET);
  if (budgetOk && isWhole(input.initial, 1, MAX_BUDGET) && input.initial > budget) {
    errors.push({ path: 'optimizer.initial', message: `must not exceed the budget (${budget})` });
  }
  if (input.batchSize !== undefined && !isWhole(input.batchSize, 1, budgetOk ? Math.min(100, budget) : 100)) {
    errors.push({ path: 'optimizer.batchSize', message: `must be a whole number from 1 to ${budgetOk ? Math.min(100, budget) : 100} (at most the budget)` });
  }
  if (input.seed !== undefined && !isWhole(input.seed, 0, 2 ** 31 - 1)) errors.push({ path: 'optimizer.seed', message: 'must be a whole number from 0 to 2147483647' });
  let earlyStop: OptimizerPlan['earlyStop'] = null;
  if (input.earlyStop !== undefined) {
    const e = input.earlyStop;
    if (!isObject(e)) errors.push({ path: 'optimizer.earlyStop', message: 'must be { patience, minImprovement }' });
    else {
      if (!isWhole(e.patience, 1, MAX_BUDGET)) errors.push({ path: 'optimizer.earlyStop.patience', message: 'must be a whole number of trials >= 1' });
      if (typeof e.minImprovement !== 'number' || !Number.isFinite(e.minImprovement) || e.minImprovement < 0) {
        errors.push({ path: 'optimizer.earlyStop.minImprovement', message: 'must be a number >= 0' });
      }
      for (const key of Object.keys(e)) if (key !== 'patience' && key !== 'minImprovement') errors.push({ path: `optimizer.earlyStop.${key}`, message: 'unknown field' });
      earlyStop = { patience: e.patience as number, minImprovement: e.minImprovement as number };
    }
  }
  const seedFrom: OptimizerPlan['seedFrom'] = [];
  if (input.seedFrom !== undefined) {
    if (!Array.isArray(input.seedFrom)) errors.push({ path: 'optimizer.seedFrom', message: 'must be a list of run ids or { csv: <file> }' });
    else {
      input.seedFrom.forEach((s, i) => {
        const path = `optimizer.seedFrom[${i}]`;
        if (typeof s === 'string' && isUuid(s)) seedFrom.push(s);
        else if (isObject(s) && typeof s.csv === 'string' && /^[\w.-]{1,200}\.csv$/.test(s.csv) && Object.keys(s).length === 1) seedFrom.push({ csv: s.csv });
        else errors.push({ path, message: 'must be a run id or { csv: "<file>.csv" } (a file name under config_csv/)' });
      });
    }
  }
  let algorithm: OptimizerConfig['algorithm'];
  if (isObject(input.algorithm) && 'http' in input.algorithm) {
    errors.push({ path: 'optimizer.algorithm.http', message: 'external optimizers over HTTP are not supported yet; use "gp-logei", "sobol" or "random"' });
  } else algorithm = input.algorithm as OptimizerConfig['algorithm'];

  const config: OptimizerConfig = {
    parameters,
    objectives: input.objectives as OptimizerConfig['objectives'],
    ...(input.constraints !== undefined ? { constraints: input.constraints as string[] } : {}),
    ...(input.initial !== undefined ? { initial: input.initial as number } : {}),
    ...(budgetOk ? { budget } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
    ...(input.noise !== undefined ? { noise: input.noise as OptimizerConfig['noise'] } : {}),
  };
  // the library's own rules (ranges, steps, log scales, constraints, objectives' shape), minus what was
  // already reported here for the same field
  for (const issue of checkConfig(config)) {
    const path = apiPath(issue.path);
    if (path === 'optimizer.parameters' && Object.keys(parameters).length === 0 && errors.some((e) => e.path.startsWith('optimizer.parameters'))) continue;
    if (!errors.some((e) => e.path === path)) errors.push({ path, message: issue.message });
  }
  if (errors.length > 0) return { plan: null, errors };
  return {
    plan: {
      config,
      budget: budget as number,
      batchSize: (input.batchSize as number | undefined) ?? 1,
      seed: (input.seed as number | undefined) ?? seed,
      earlyStop,
      seedFrom,
    },
    errors: [],
  };
}
