/**
 * Seeded randomness. Every random stream is derived from (campaign seed, trial index, purpose), never
 * from one long stream, so a suggestion is a pure function of its inputs and a resumed campaign gets
 * the same point bit for bit.
 */

/** A 32-bit integer mix (the murmur3 finaliser): nearby inputs give unrelated outputs. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Combines integers into one 32-bit seed. */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // split a double into two 32-bit halves so large or negative seeds still mix fully
    const lo = part | 0;
    const hi = Math.floor(part / 4294967296) | 0;
    h = mix32(h ^ lo);
    h = mix32(h ^ hi);
  }
  return h;
}

/** Uniform, normal and integer draws from a mulberry32 stream. */
export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.uniform();
    while (u <= 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** Purposes of the derived streams, so two uses at the same trial never share draws. */
export const Stream = {
  sobolShift: 1,
  hyperStarts: 2,
  rawSamples: 3,
  scalarisation: 4,
  random: 5,
} as const;

/** The stream for one purpose at one trial index of a campaign. */
export function streamFor(seed: number, stream: number, index = 0): Rng {
  return new Rng(hashSeed(seed, stream, index));
}
