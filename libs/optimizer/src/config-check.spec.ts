import { checkConfig } from './config-check';

const ok = { parameters: { x: { min: 0, max: 1 } }, objectives: [{ output: 'y', direction: 'min' }] };
const paths = (config: unknown) => checkConfig(config).map((i) => i.path);

describe('checkConfig', () => {
  it('accepts a minimal config and a full one', () => {
    expect(checkConfig(ok)).toEqual([]);
    expect(
      checkConfig({
        parameters: {
          x: { min: 0, max: 10, step: 0.5 }, n: { min: 1, max: 9, integer: true }, c: { min: 1e-3, max: 1, log: true },
          s: { choices: ['a', 'b'] }, k: { choices: [1, 2, 5] }, f: { value: 'fixed' },
        },
        objectives: [{ output: 'y', direction: 'max', threshold: 3 }, { output: 'z', direction: 'min' }],
        constraints: ['x + n <= 12'], initial: 4, budget: 20, algorithm: 'sobol', noise: 'deterministic',
      }),
    ).toEqual([]);
  });

  it.each([
    [null, ['']],
    [{ ...ok, parameters: {} }, ['parameters']],
    [{ ...ok, parameters: { x: { value: 1 } } }, ['parameters']],
    [{ ...ok, parameters: { x: { min: 1, max: 1 } } }, ['parameters.x.max']],
    [{ ...ok, parameters: { x: { min: 'a', max: 1 } } }, ['parameters.x.min']],
    [{ ...ok, parameters: { x: { min: 0, max: 1, step: 0 } } }, ['parameters.x.step']],
    [{ ...ok, parameters: { x: { min: 0, max: 1, step: 2 } } }, ['parameters.x.step']],
    [{ ...ok, parameters: { x: { min: 0, max: 1, log: true } } }, ['parameters.x.min']],
    [{ ...ok, parameters: { x: { min: 1, max: 9, log: true, integer: true } } }, ['parameters.x.log']],
    [{ ...ok, parameters: { x: { min: 0.5, max: 9, integer: true } } }, ['parameters.x.min']],
    [{ ...ok, parameters: { x: { min: 0, max: 1, choices: [1] } } }, ['parameters.x']],
    [{ ...ok, parameters: { x: { min: 0, max: 1, scale: 2 } } }, ['parameters.x.scale']],
    [{ ...ok, parameters: { x: { choices: [] } } }, ['parameters.x.choices']],
    [{ ...ok, parameters: { x: { choices: [1, 1] } } }, ['parameters.x.choices']],
    [{ ...ok, parameters: { x: { choices: [1, 'a'] } } }, ['parameters.x.choices']],
    [{ ...ok, parameters: { x: { choices: [{}] } } }, ['parameters.x.choices.0']],
    [{ ...ok, parameters: { x: 3 } }, ['parameters.x']],
    [{ ...ok, objectives: [] }, ['objectives']],
    [{ ...ok, objectives: [{ output: '', direction: 'min' }] }, ['objectives.0.output']],
    [{ ...ok, objectives: [{ output: 'y', direction: 'up' }] }, ['objectives.0.direction']],
    [{ ...ok, objectives: [{ output: 'y', direction: 'min', threshold: 'x' }] }, ['objectives.0.threshold']],
    [{ ...ok, objectives: [{ output: 'y', direction: 'min' }, { output: 'y', direction: 'max' }] }, ['objectives.1.output']],
    [{ ...ok, constraints: 'x <= 1' }, ['constraints']],
    [{ ...ok, constraints: ['x * x <= 1'] }, ['constraints.0']],
    [{ ...ok, constraints: ['x + q <= 1'] }, ['constraints.0']],
    [{ ...ok, parameters: { x: { min: 1, max: 2, log: true } }, constraints: ['x <= 1.5'] }, ['constraints.0']],
    [{ ...ok, parameters: { x: { min: 0, max: 1 }, s: { choices: ['a'] } }, constraints: ['s <= 1'] }, ['constraints.0']],
    [{ ...ok, initial: 0 }, ['initial']],
    [{ ...ok, budget: -1 }, ['budget']],
    [{ ...ok, budget: 2.5 }, ['budget']],
    [{ ...ok, algorithm: 'ax' }, ['algorithm']],
    [{ ...ok, noise: 'loud' }, ['noise']],
  ])('%j → %j', (config, expected) => {
    expect(paths(config)).toEqual(expected);
  });

  it('reports every problem at once', () => {
    expect(paths({ parameters: { a: { min: 2, max: 1 }, b: { choices: [] } }, objectives: [{ output: 'y', direction: 'x' }], budget: 0 })).toEqual([
      'parameters.a.max', 'parameters.b.choices', 'objectives.0.direction', 'budget',
    ]);
  });
});
