import { checkTrialRow } from './operator-trial';

describe('checkTrialRow', () => {
  const config = {
    parameters: {
      x: { min: 0, max: 10 }, n: { min: 1, max: 5, integer: true }, g: { min: 0, max: 1, step: 0.25 },
      solvent: { choices: ['water', 'ethanol'] }, level: { choices: [1, 2, 3] }, volume: { value: 2.5 },
    },
  };

  it('takes a trial inside the space, converting numeric text and filling in fixed values', () => {
    expect(checkTrialRow({ x: '2.5', n: 3, g: 0.75, solvent: 'water', level: '2' }, config)).toEqual({
      row: { x: 2.5, n: 3, g: 0.75, solvent: 'water', level: 2, volume: 2.5 }, errors: [],
    });
  });

  it('names every problem by path', () => {
    expect(checkTrialRow({ x: 11, n: 2.5, g: 0.3, solvent: 'oil', volume: 3, extra: 1 }, config).errors).toEqual([
      { path: 'parameters.extra', message: 'is not a parameter of the campaign' },
      { path: 'parameters.x', message: 'must be from 0 to 10' },
      { path: 'parameters.n', message: 'must be a whole number' },
      { path: 'parameters.g', message: 'must be 0 plus a multiple of 0.25' },
      { path: 'parameters.solvent', message: 'must be one of "water", "ethanol"' },
      { path: 'parameters.level', message: 'is required' },
      { path: 'parameters.volume', message: 'is fixed at 2.5' },
    ]);
    expect(checkTrialRow([1], config).errors).toEqual([{ path: 'parameters', message: 'must be an object of parameter: value' }]);
  });
});
