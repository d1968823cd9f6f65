/** A parameter value as a workflow receives it. */
export type ParamValue = number | string | boolean;

/** A numeric range; `integer` makes it an integer range, `step` a grid from `min`, `log` a log scale (min > 0). */
export interface RangeParameter {
  min: number;
  max: number;
  step?: number;
  log?: boolean;
  integer?: boolean;
}
/** A set of values; numbers are treated as ordered (ordinal), strings and booleans as categories. */
export interface ChoiceParameter {
  choices: ParamValue[];
}
/** A value injected into every suggestion, not modelled. */
export interface FixedParameter {
  value: ParamValue;
}
export type ParameterSpec = RangeParameter | ChoiceParameter | FixedParameter;

export interface ObjectiveSpec {
  /** The output (workflow return value) to optimise. */
  output: string;
  direction: 'min' | 'max';
  /** Good enough: the campaign may stop once every objective reaches its threshold. */
  threshold?: number;
}

export type Algorithm = 'gp-logei' | 'sobol' | 'random';

/** What the optimizer needs to know about a campaign; the order of `parameters` is the model's order. */
export interface OptimizerConfig {
  parameters: Record<string, ParameterSpec>;
  objectives: ObjectiveSpec[];
  /** Linear inequalities over range parameters, such as "x1 + 2*x2 <= 10". */
  constraints?: string[];
  /** Sobol points before the model takes over (default max(5, 2·tunable parameters), capped by budget / 5 when a budget is given). */
  initial?: number;
  budget?: number;
  algorithm?: Algorithm;
  /** `learned` (default, for lab data) fits a noise variance; `deterministic` fixes it at 1e-6. */
  noise?: 'learned' | 'deterministic';
}

export type SuggestedBy = 'initial' | 'model' | 'seeded' | 'operator';

/** One trial of a campaign as the optimizer sees it. Only `completed` trials with every objective finite feed the model. */
export interface TrialRecord {
  parameters: Record<string, ParamValue>;
  status: 'pending' | 'completed' | 'failed';
  outputs?: Record<string, unknown>;
  suggestedBy: SuggestedBy;
}

export interface Suggestion {
  parameters: Record<string, ParamValue>;
  suggestedBy: 'initial' | 'model';
  /** LogEI of the point under the model (null for design points). */
  acquisition: number | null;
  /** Time spent fitting the model and searching the acquisition, for this batch (ms). */
  fitMs: number;
  /** Why a model-based slot fell back to a design point (no usable data, numerical failure), if it did. */
  note?: string;
}

/** One problem with a config, by field path relative to the config ("parameters.x1.max"). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Bad configuration or trials: carries every issue found. */
export class OptimizerInputError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'OptimizerInputError';
  }
}
