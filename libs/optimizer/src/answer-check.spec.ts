import { checkPoints } from './answer-check';
import type { OptimizerConfig } from './types';

const SPACE: Pick<OptimizerConfig, 'parameters' | 'constraints'> = {
  parameters: {
    x: { min: -5, max: 5 }, n: { min: 1, max: 4, integer: true }, g: { min: 0, max: 1, step: 0.25 },
    solvent: { choices: ['water', 'ethanol'] }, v: { value: 2 },
  },
  constraints: ['x + n <= 6'],
};
const POINT = { x: 1.5, n: 2, g: 0.75, solvent: 'water', v: 2 };
const paths = (answer: unknown, count = 1) => checkPoints(SPACE, answer, count).issues.map((i) => i.path);

describe('checkPoints (an external optimizer’s answer)', () => {
  it('takes points inside the space, bounds included', () => {
    const points = [POINT, { ...POINT, x: -5, n: 1, g: 1 }, { ...POINT, x: 5, n: 1, g: 0 }];
    expect(checkPoints(SPACE, { points }, 3)).toEqual({ points, issues: [] });
  });

  it.each([
    ['no object', 'points', ['points']],
    ['no points list', { trials: [POINT] }, ['points']],
    ['a point that is no object', { points: [3] }, ['points[0]']],
    ['a range value outside the range', { points: [{ ...POINT, x: 5.5 }] }, ['points[0].x']],
    ['a range value that is no number', { points: [{ ...POINT, x: '1' }] }, ['points[0].x']],
    ['a fractional integer', { points: [{ ...POINT, n: 2.5 }] }, ['points[0].n']],
    ['a value off the grid', { points: [{ ...POINT, g: 0.3 }] }, ['points[0].g']],
    ['an unknown choice', { points: [{ ...POINT, solvent: 'acetone' }] }, ['points[0].solvent']],
    ['a changed fixed value', { points: [{ ...POINT, v: 3 }] }, ['points[0].v']],
    ['a missing parameter', { points: [{ x: 1, n: 2, g: 0, v: 2 }] }, ['points[0].solvent']],
    ['an unknown parameter', { points: [{ ...POINT, y: 1 }] }, ['points[0].y']],
    ['a broken constraint', { points: [{ ...POINT, x: 4, n: 3 }] }, ['points[0]']],
  ])('refuses %s', (_what, answer, expected) => {
    expect(paths(answer)).toEqual(expected);
  });

  it('refuses the wrong number of points, and gives no points with any problem', () => {
    expect(paths({ points: [POINT, POINT] })).toEqual(['points']);
    expect(paths({ points: [] }, 2)).toEqual(['points']);
    expect(checkPoints(SPACE, { points: [POINT, { ...POINT, x: 9 }] }, 2).points).toEqual([]);
  });
});
