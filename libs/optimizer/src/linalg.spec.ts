import { choleskyInPlace, choleskyInverse, choleskyLogDet, choleskySolve, safeCholesky, solveLower, solveUpper, solveUpperT, transpose } from './linalg';

// A = [[4, 12, −16], [12, 37, −43], [−16, −43, 98]] = L Lᵀ with L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]]
const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
const L = [2, 0, 0, 6, 1, 0, -8, 5, 3];

describe('Cholesky', () => {
  it('factors the textbook matrix exactly', () => {
    const a = Float64Array.from(A);
    expect(choleskyInPlace(a, 3)).toBe(true);
    expect(Array.from(a)).toEqual(L);
  });

  it('solves L x = b, Lᵀ x = b and A x = b', () => {
    const l = Float64Array.from(L);
    expect(Array.from(solveLower(l, 3, [2, 7, 0], new Float64Array(3)))).toEqual([1, 1, 1]);
    // Lᵀ [1, 1, 1] = [2+6−8, 1+5, 3] = [0, 6, 3]
    expect(Array.from(solveUpperT(l, 3, [0, 6, 3], new Float64Array(3)))).toEqual([1, 1, 1]);
    const x = choleskySolve(l, 3, [0, 6, 39]); // A [1, 1, 1] = [0, 6, 39]
    x.forEach((v) => expect(v).toBeCloseTo(1, 12));
  });

  it('inverts: A · A⁻¹ = I, and log det = log 36', () => {
    const inv = choleskyInverse(Float64Array.from(L), 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
    expect(choleskyLogDet(Float64Array.from(L), 3)).toBeCloseTo(Math.log(36), 12);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(safeCholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });

  it('adds the smallest jitter that makes a singular matrix factorable', () => {
    const result = safeCholesky(Float64Array.from([1, 1, 1, 1]), 2); // two identical points
    expect(result).not.toBeNull();
    expect(result!.jitter).toBeGreaterThan(0);
    expect(result!.jitter).toBeLessThanOrEqual(1e-8);
  });
});

describe('solveUpper and transpose', () => {
  it('solves with Lᵀ stored as rows, as solveUpperT does with L', () => {
    const l = Float64Array.from(L);
    const viaT = solveUpperT(l, 3, [0, 6, 3], new Float64Array(3));
    expect(Array.from(solveUpper(transpose(l, 3), 3, [0, 6, 3], new Float64Array(3)))).toEqual(Array.from(viaT));
    expect(Array.from(transpose(Float64Array.from([1, 2, 3, 4]), 2))).toEqual([1, 3, 2, 4]);
  });
});
