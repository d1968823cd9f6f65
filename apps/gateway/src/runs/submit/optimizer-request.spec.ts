import type { Choice, TypeDescriptor } from '@ivoryos/contracts';
import type { ParameterInfo } from '@ivoryos/workflow';
import { checkOptimizerRequest, type WorkflowInterface } from './optimizer-request';

const param = (name: string, type: TypeDescriptor): ParameterInfo => ({ name, type, firstUse: { phase: 'script', stepId: 1 } });
const SOLVENTS: Choice[] = [{ name: 'Methanol', value: 'Methanol' }, { name: 'Ethanol', value: 'Ethanol' }];
const WORKFLOW: WorkflowInterface = {
  parameters: [param('x1', 'float'), param('x2', 'float'), param('n', 'int'), param('solvent', 'Enum:Solvent'), param('label', 'str'), param('dry', 'bool')],
  outputs: ['yield', 'purity'],
  choicesOf: (type) => (type === 'Enum:Solvent' ? SOLVENTS : undefined),
};
const OK = {
  objectives: [{ output: 'yield', direction: 'max' }],
  parameters: {
    x1: { min: -5, max: 10 }, x2: { min: 0, max: 15, step: 0.5 }, n: { min: 1, max: 4 },
    solvent: { choices: ['Methanol', 'Ethanol'] }, label: { value: 'run A' }, dry: { choices: [true, false] },
  },
  budget: 30,
};
const paths = (input: unknown, workflow = WORKFLOW) => checkOptimizerRequest(input, workflow, 7).errors.map((e) => e.path);

describe('checkOptimizerRequest', () => {
  it('turns a valid request into the campaign plan: int parameters become integer ranges, defaults filled in', () => {
    const { plan, errors } = checkOptimizerRequest(OK, WORKFLOW, 7);
    expect(errors).toEqual([]);
    expect(plan).toEqual({
      config: {
        parameters: {
          x1: { min: -5, max: 10 }, x2: { min: 0, max: 15, step: 0.5 }, n: { min: 1, max: 4, integer: true },
          solvent: { choices: ['Methanol', 'Ethanol'] }, label: { value: 'run A' }, dry: { choices: [true, false] },
        },
        objectives: [{ output: 'yield', direction: 'max' }],
        budget: 30,
      },
      budget: 30, batchSize: 1, seed: 7, earlyStop: null, seedFrom: [],
    });
  });

  it('keeps every optional setting', () => {
    const runId = '0b6c9a52-7f1e-4b8e-9a43-2f1d3c5e6a7b';
    const { plan } = checkOptimizerRequest({
      ...OK, constraints: ['x1 + x2 <= 10'], initial: 6, batchSize: 2, seed: 42, noise: 'deterministic', algorithm: 'sobol',
      earlyStop: { patience: 5, minImprovement: 0.01 }, seedFrom: [runId, { csv: 'earlier.csv' }],
    }, WORKFLOW, 7);
    expect(plan).toMatchObject({
      config: { constraints: ['x1 + x2 <= 10'], initial: 6, noise: 'deterministic', algorithm: 'sobol' },
      batchSize: 2, seed: 42, earlyStop: { patience: 5, minImprovement: 0.01 }, seedFrom: [runId, { csv: 'earlier.csv' }],
    });
  });

  it('converts choices and values by the parameter type, as a parameter table does', () => {
    const wf: WorkflowInterface = { ...WORKFLOW, parameters: [param('x', 'float'), param('k', 'int')] };
    const { plan } = checkOptimizerRequest({ ...OK, parameters: { x: { value: '2.5' }, k: { choices: ['1', 2, '5'] } } }, wf, 1);
    expect(plan?.config.parameters).toEqual({ x: { value: 2.5 }, k: { choices: [1, 2, 5] } });
  });

  it.each([
    ['not an object', 3, ['optimizer']],
    ['an unknown field', { ...OK, budjet: 3 }, ['optimizer.budjet']],
    ['an unknown output', { ...OK, objectives: [{ output: 'colour', direction: 'min' }] }, ['optimizer.objectives[0].output']],
    ['a bad direction', { ...OK, objectives: [{ output: 'yield', direction: 'up' }] }, ['optimizer.objectives[0].direction']],
    ['no objectives', { ...OK, objectives: [] }, ['optimizer.objectives']],
    ['a range on a text parameter', { ...OK, parameters: { ...OK.parameters, label: { min: 0, max: 1 } } }, ['optimizer.parameters.label.min']],
    ['a range on an enum parameter', { ...OK, parameters: { ...OK.parameters, solvent: { min: 0, max: 1 } } }, ['optimizer.parameters.solvent.min']],
    ['a range on a bool parameter', { ...OK, parameters: { ...OK.parameters, dry: { min: 0, max: 1 } } }, ['optimizer.parameters.dry.min']],
    ['an inverted range', { ...OK, parameters: { ...OK.parameters, x1: { min: 3, max: 1 } } }, ['optimizer.parameters.x1.max']],
    ['a fractional bound on an int parameter', { ...OK, parameters: { ...OK.parameters, n: { min: 0.5, max: 4 } } }, ['optimizer.parameters.n.min']],
    ['a choice outside the enum', { ...OK, parameters: { ...OK.parameters, solvent: { choices: ['Methanol', 'Water'] } } }, ['optimizer.parameters.solvent.choices[1]']],
    ['a value of the wrong type', { ...OK, parameters: { ...OK.parameters, x1: { value: 'hot' } } }, ['optimizer.parameters.x1.value']],
    ['a missing run parameter', { ...OK, parameters: { x1: OK.parameters.x1, n: OK.parameters.n, solvent: OK.parameters.solvent, label: OK.parameters.label, dry: OK.parameters.dry } }, ['optimizer.parameters.x2']],
    ['a parameter the workflow does not have', { ...OK, parameters: { ...OK.parameters, x9: { min: 0, max: 1 } } }, ['optimizer.parameters.x9']],
    ['no parameters object', { ...OK, parameters: 3 }, ['optimizer.parameters']],
    ['no budget', { ...OK, budget: undefined }, ['optimizer.budget']],
    ['a budget of 0', { ...OK, budget: 0 }, ['optimizer.budget']],
    ['a negative budget', { ...OK, budget: -3 }, ['optimizer.budget']],
    ['an initial design larger than the budget', { ...OK, initial: 31 }, ['optimizer.initial']],
    ['an initial design of 0', { ...OK, initial: 0 }, ['optimizer.initial']],
    ['a batch larger than the budget', { ...OK, budget: 3, batchSize: 4 }, ['optimizer.batchSize']],
    ['a fractional seed', { ...OK, seed: 1.5 }, ['optimizer.seed']],
    ['a bad early stop', { ...OK, earlyStop: { patience: 0, minImprovement: -1, extra: 1 } }, ['optimizer.earlyStop.patience', 'optimizer.earlyStop.minImprovement', 'optimizer.earlyStop.extra']],
    ['a bad seedFrom entry', { ...OK, seedFrom: ['not-a-run', { csv: '../etc/passwd' }] }, ['optimizer.seedFrom[0]', 'optimizer.seedFrom[1]']],
    ['an unknown algorithm', { ...OK, algorithm: 'ax' }, ['optimizer.algorithm']],
    ['an HTTP optimizer (not built yet)', { ...OK, algorithm: { http: 'http://127.0.0.1:9/' } }, ['optimizer.algorithm.http']],
    ['a nonlinear constraint', { ...OK, constraints: ['x1 * x2 <= 3'] }, ['optimizer.constraints[0]']],
    ['a constraint on a choice', { ...OK, constraints: ['solvent <= 3'] }, ['optimizer.constraints[0]']],
    ['a bad noise mode', { ...OK, noise: 'loud' }, ['optimizer.noise']],
  ])('%s', (_what, input, expected) => {
    expect(paths(input)).toEqual(expected);
  });

  it('a workflow without outputs cannot be optimised', () => {
    expect(paths(OK, { ...WORKFLOW, outputs: [] })).toEqual(['optimizer', 'optimizer.objectives[0].output']);
  });

  it('reports every problem at once', () => {
    expect(paths({ ...OK, budget: 0, objectives: [{ output: 'nope', direction: 'min' }], parameters: { ...OK.parameters, label: { min: 1, max: 2 } } })).toEqual([
      'optimizer.parameters.label.min', 'optimizer.objectives[0].output', 'optimizer.budget',
    ]);
  });
});
