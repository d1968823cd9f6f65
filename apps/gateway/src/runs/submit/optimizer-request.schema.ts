import type { ApiPropertyOptions } from '@nestjs/swagger';

/** An OpenAPI schema object (the swagger package does not export its type). */
type SchemaObject = Record<string, unknown>;

const range: SchemaObject = {
  type: 'object', title: 'range', required: ['min', 'max'],
  properties: {
    min: { type: 'number' }, max: { type: 'number' },
    step: { type: 'number', description: 'a grid from min' }, log: { type: 'boolean', description: 'log scale (min > 0)' },
  },
};
const choices: SchemaObject = {
  type: 'object', title: 'choices', required: ['choices'],
  properties: { choices: { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] } } },
};
const fixed: SchemaObject = {
  type: 'object', title: 'value', required: ['value'],
  properties: { value: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] } },
};

/**
 * The `optimizer` object of POST /api/runs, for the API description only: the request is checked by
 * checkOptimizerRequest, which names every problem by field path.
 */
export const OPTIMIZER_REQUEST_SCHEMA = {
  type: 'object',
  required: ['objectives', 'parameters', 'budget'],
  properties: {
    objectives: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['output', 'direction'],
        properties: {
          output: { type: 'string', description: 'an output the script phase saves' },
          direction: { type: 'string', enum: ['min', 'max'] },
          threshold: { type: 'number', description: 'the campaign stops once every objective reaches its threshold' },
        },
      },
    },
    parameters: {
      type: 'object', description: 'every run parameter of the workflow: a range, choices or a fixed value',
      additionalProperties: { oneOf: [range, choices, fixed] },
    },
    constraints: { type: 'array', items: { type: 'string' }, description: 'linear inequalities over range parameters, such as "x1 + x2 <= 10"' },
    budget: { type: 'integer', minimum: 1, maximum: 10000, description: 'total trials, initial design included' },
    initial: { type: 'integer', minimum: 1, description: 'Sobol points before the model (default max(5, 2 per tunable parameter), at most budget / 5)' },
    batchSize: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'trials per iteration' },
    seed: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'default: drawn at submission and kept with the run' },
    earlyStop: {
      type: 'object', required: ['patience', 'minImprovement'],
      properties: { patience: { type: 'integer', minimum: 1 }, minImprovement: { type: 'number', minimum: 0 } },
      description: 'stop after `patience` trials without an improvement of `minImprovement` in the first objective',
    },
    seedFrom: {
      type: 'array', description: 'trials of earlier runs (ids) or of CSV files under config_csv/ that seed the model',
      items: { oneOf: [{ type: 'string', format: 'uuid' }, { type: 'object', required: ['csv'], properties: { csv: { type: 'string' } } }] },
    },
    algorithm: { type: 'string', enum: ['gp-logei', 'sobol', 'random'], default: 'gp-logei', description: 'sobol and random skip the model (baselines)' },
    noise: { type: 'string', enum: ['learned', 'deterministic'], description: "'deterministic' for simulations (noise fixed at 1e-6)" },
  },
} as ApiPropertyOptions;
