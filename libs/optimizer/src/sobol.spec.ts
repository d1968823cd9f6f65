import { Sobol } from './sobol';

// scipy.stats.qmc.Sobol(6, scramble=False).random(8)
const REFERENCE = [
  [0, 0, 0, 0, 0, 0],
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.75, 0.25, 0.25, 0.25, 0.75, 0.75],
  [0.25, 0.75, 0.75, 0.75, 0.25, 0.25],
  [0.375, 0.375, 0.625, 0.875, 0.375, 0.125],
  [0.875, 0.875, 0.125, 0.375, 0.875, 0.625],
  [0.625, 0.125, 0.875, 0.625, 0.625, 0.875],
  [0.125, 0.625, 0.375, 0.125, 0.125, 0.375],
];

/** Every one of the 2^m intervals of width 2^−m holds exactly one of the first 2^m points, per dimension. */
function stratified(points: Float64Array[], dim: number, m: number): boolean {
  const hits = new Array(2 ** m).fill(0);
  for (const p of points) hits[Math.floor(p[dim] * 2 ** m)]++;
  return hits.every((h) => h === 1);
}

describe('Sobol', () => {
  it('unshifted, matches the Joe–Kuo sequence (scipy)', () => {
    const s = new Sobol(6, null);
    REFERENCE.forEach((row, i) => expect(Array.from(s.point(i))).toEqual(row));
  });

  it('unshifted, 40 dimensions stay stratified over 256 points', () => {
    const s = new Sobol(40, null);
    const pts = Array.from({ length: 256 }, (_, i) => s.point(i));
    for (let d = 0; d < 40; d++) expect(stratified(pts, d, 8)).toBe(true);
  });

  it('shifted, keeps the stratification, differs by seed and repeats per seed', () => {
    const a = new Sobol(8, 1);
    const pts = Array.from({ length: 64 }, (_, i) => a.point(i));
    for (let d = 0; d < 8; d++) expect(stratified(pts, d, 6)).toBe(true);
    // 2-D elementary intervals of dims 0 and 1: 4×4 cells over 16 points, one each
    const cells = new Set(pts.slice(0, 16).map((p) => `${Math.floor(p[0] * 4)},${Math.floor(p[1] * 4)}`));
    expect(cells.size).toBe(16);
    expect(Array.from(new Sobol(8, 1).point(5))).toEqual(Array.from(a.point(5)));
    expect(Array.from(new Sobol(8, 2).point(5))).not.toEqual(Array.from(a.point(5)));
    // no point at the centre of the box (the plain sequence's second point)
    expect(pts.some((p) => p.every((v) => v === 0.5))).toBe(false);
  });

  it('rejects impossible dimensions and indices', () => {
    expect(() => new Sobol(0, null)).toThrow(RangeError);
    expect(() => new Sobol(41, null)).toThrow(RangeError);
    expect(() => new Sobol(2, null).point(-1)).toThrow(RangeError);
  });
});
