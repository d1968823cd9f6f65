import type { Schemas } from '../api/client';

export type Optimizer = NonNullable<Schemas['SubmitRunDto']['optimizer']>;

/** One run parameter as typed in the Optimize tab: a range, a list of choices, or a fixed value. */
export interface ParamDraft {
  kind: 'range' | 'choices' | 'fixed';
  min: string;
  max: string;
  step: string;
  log: boolean;
  choices: string;
  value: string;
}

/** One numeric output: minimised, maximised or only recorded; an optional threshold that ends the campaign. */
export interface ObjectiveDraft {
  direction: 'min' | 'max' | 'none';
  threshold: string;
}

export interface OptimizerDraft {
  parameters: Record<string, ParamDraft>;
  objectives: Record<string, ObjectiveDraft>;
  budget: string;
  initial: string;
}

export function emptyDraft(parameters: readonly string[], outputs: readonly string[]): OptimizerDraft {
  return {
    parameters: Object.fromEntries(parameters.map((p) => [p, { kind: 'range', min: '', max: '', step: '', log: false, choices: '', value: '' }])),
    objectives: Object.fromEntries(outputs.map((o, i) => [o, { direction: i === 0 ? 'max' : 'none', threshold: '' }])),
    budget: '20',
    initial: '',
  };
}

const num = (text: string): number | undefined => (text.trim() === '' || !Number.isFinite(Number(text)) ? undefined : Number(text));
const scalar = (text: string): number | string | boolean => {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  return num(t) ?? t;
};

/**
 * The `optimizer` object of POST /api/runs, or every problem at once keyed by the gateway's own
 * field paths (`optimizer.parameters.temp.max`), so the form and the server mark the same fields.
 */
export function optimizerBody(draft: OptimizerDraft, batchSize: number): { optimizer?: Optimizer; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const parameters: NonNullable<Optimizer['parameters']> = {};
  for (const [name, p] of Object.entries(draft.parameters)) {
    const at = `optimizer.parameters.${name}`;
    if (p.kind === 'range') {
      const [min, max, step] = [num(p.min), num(p.max), num(p.step)];
      if (min === undefined) errors[`${at}.min`] = 'A number';
      if (max === undefined) errors[`${at}.max`] = 'A number';
      if (min !== undefined && max !== undefined && min >= max) errors[`${at}.max`] = 'Must be above the lowest value';
      if (p.step.trim() && (step === undefined || step <= 0)) errors[`${at}.step`] = 'A positive number, or empty';
      if (p.log && min !== undefined && min <= 0) errors[`${at}.min`] = 'Above 0 on a log scale';
      if (min !== undefined && max !== undefined) parameters[name] = { min, max, ...(step ? { step } : {}), ...(p.log ? { log: true } : {}) };
    } else if (p.kind === 'choices') {
      const choices = p.choices.split(',').map((c) => c.trim()).filter(Boolean).map(scalar);
      if (choices.length < 2) errors[`${at}.choices`] = 'At least two, separated by commas';
      else parameters[name] = { choices };
    } else if (p.value.trim() === '') errors[`${at}.value`] = 'A value';
    else parameters[name] = { value: scalar(p.value) };
  }
  const objectives = Object.entries(draft.objectives)
    .filter(([, o]) => o.direction !== 'none')
    .map(([output, o]) => {
      const threshold = num(o.threshold);
      if (o.threshold.trim() && threshold === undefined) errors[`optimizer.objectives.${output}.threshold`] = 'A number, or empty';
      return { output, direction: o.direction as 'min' | 'max', ...(threshold !== undefined ? { threshold } : {}) };
    });
  if (objectives.length === 0) errors['optimizer.objectives'] = 'Choose at least one output to minimise or maximise';
  const budget = num(draft.budget);
  if (budget === undefined || !Number.isInteger(budget) || budget < 1) errors['optimizer.budget'] = 'A whole number of trials, 1 or more';
  const initial = num(draft.initial);
  if (draft.initial.trim() && (initial === undefined || !Number.isInteger(initial) || initial < 1)) errors['optimizer.initial'] = 'A whole number, or empty for the default';
  if (Object.keys(errors).length) return { errors };
  return { optimizer: { objectives, parameters, budget, ...(initial ? { initial } : {}), batchSize, algorithm: 'gp-logei' }, errors };
}
