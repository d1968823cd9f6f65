import { Rng } from './rng';
import { SOBOL_DIRECTIONS } from './sobol-directions';

const BITS = 32;
/** Dimension 1 plus the embedded Joe–Kuo rows. */
export const SOBOL_MAX_DIMENSIONS = SOBOL_DIRECTIONS.length + 1;

/** The 32 direction numbers of one dimension, as integers whose top bit is the first binary digit. */
function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS + 1); // 1-based
  if (dim === 0) {
    for (let k = 1; k <= BITS; k++) v[k] = (1 << (BITS - k)) >>> 0;
    return v;
  }
  const [poly, m] = SOBOL_DIRECTIONS[dim - 1];
  const s = Math.floor(Math.log2(poly));
  const a = (poly >> 1) & ((1 << (s - 1)) - 1);
  for (let k = 1; k <= s; k++) v[k] = (m[k - 1] << (BITS - k)) >>> 0;
  for (let k = s + 1; k <= BITS; k++) {
    let x = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x = (x ^ v[k - i]) >>> 0;
    v[k] = x;
  }
  return v;
}

/**
 * A Sobol sequence in up to 40 dimensions. Unshifted it is Joe and Kuo's sequence starting at the
 * origin; with a seed every coordinate is XORed with a seeded random 32-bit digit string (a random
 * digital shift), which keeps the net's stratification while every seed gets different points, and never
 * puts a point at the box centre the way the plain sequence's second point does. (Linear-matrix
 * scrambling on top was measured no better on the benchmarks: docs/benchmarks.md.)
 */
export class Sobol {
  private readonly v: Uint32Array[];
  private readonly shift: Uint32Array;

  constructor(readonly dimensions: number, seed: number | null) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_MAX_DIMENSIONS) {
      throw new RangeError(`Sobol dimensions must be 1..${SOBOL_MAX_DIMENSIONS}, got ${dimensions}`);
    }
    this.v = [];
    this.shift = new Uint32Array(dimensions);
    const rng = seed === null ? null : new Rng(seed);
    for (let d = 0; d < dimensions; d++) {
      this.v.push(directions(d));
      if (rng) this.shift[d] = rng.nextUint32();
    }
  }

  /** The point with this index (0-based), computed directly from the Gray code of the index. */
  point(index: number): Float64Array {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS) throw new RangeError(`bad Sobol index ${index}`);
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    const out = new Float64Array(this.dimensions);
    for (let d = 0; d < this.dimensions; d++) {
      let x = this.shift[d];
      const v = this.v[d];
      for (let k = 1, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x = (x ^ v[k]) >>> 0;
      out[d] = x / 4294967296;
    }
    return out;
  }
}
