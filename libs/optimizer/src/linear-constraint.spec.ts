import { parseLinearInequality } from './linear-constraint';

describe('parseLinearInequality', () => {
  it.each([
    ['x1 + x2 <= 10', { x1: 1, x2: 1 }, 10],
    ['x1 + 2*x2 <= 80', { x1: 1, x2: 2 }, 80],
    ['2 * a - b / 4 < 3', { a: 2, b: -0.25 }, 3],
    ['a >= 1', { a: -1 }, -1],
    ['0.5 * (a + b) >= c - 3', { a: -0.5, b: -0.5, c: 1 }, 3],
    ['a + 1e-1 * b <= -2.5', { a: 1, b: 0.1 }, -2.5],
    ['-x <= 0', { x: -1 }, 0],
    ['3 <= x + y', { x: -1, y: -1 }, -3],
    ['x + y - x <= 1', { y: 1 }, 1],
  ])('%s', (text, coefficients, bound) => {
    expect(parseLinearInequality(text)).toEqual({ coefficients, bound });
  });

  it.each([
    ['x * y <= 1', /not linear/],
    ['x <= 1 <= 2', /after the comparison/],
    ['x + 1', /comparison/],
    ['x / y <= 1', /divide/],
    ['x / 0 <= 1', /divide/],
    ['2 <= 3', /names no parameter/],
    ['x ** 2 <= 1', /unexpected/],
    ['(x + 1 <= 2', /missing "\)"/],
    ['x + <= 2', /unexpected/],
    ['x == 2', /unexpected/],
  ])('rejects %s', (text, message) => {
    expect(() => parseLinearInequality(text)).toThrow(message);
  });
});
