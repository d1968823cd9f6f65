import { parseLinearInequality } from './linear-constraint';
import type { OptimizerConfig, ParamValue, ParameterSpec } from './types';

/**
 * One modelled coordinate. Continuous and discrete ones live in [0, 1] (discrete: grid index / (k − 1),
 * relaxed while searching and snapped at the end); a categorical one holds its level index.
 */
export type Dimension =
  | { name: string; kind: 'continuous'; min: number; max: number; log: boolean }
  | { name: string; kind: 'discrete'; values: number[]; grid: boolean }
  | { name: string; kind: 'categorical'; values: ParamValue[] };

/** A linear inequality in model coordinates: Σ a[j]·u[j] <= b. */
export interface UnitConstraint {
  a: Float64Array;
  b: number;
}

const tidy = (v: number) => Number(v.toPrecision(12)); // 0.1 + 0.2 on a grid reads 0.3

function gridValues(min: number, max: number, step: number): number[] {
  const count = Math.floor((max - min) / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, k) => tidy(min + k * step));
}

function toDimension(name: string, spec: ParameterSpec): Dimension | null {
  if ('value' in spec) return null;
  if ('choices' in spec) {
    if (spec.choices.every((c) => typeof c === 'number')) {
      return { name, kind: 'discrete', values: [...(spec.choices as number[])].sort((a, b) => a - b), grid: false };
    }
    return { name, kind: 'categorical', values: [...spec.choices] };
  }
  if (spec.integer || spec.step !== undefined) {
    return { name, kind: 'discrete', values: gridValues(spec.min, spec.max, spec.step ?? 1), grid: true };
  }
  return { name, kind: 'continuous', min: spec.min, max: spec.max, log: spec.log === true };
}

/** The config's parameters mapped to and from model coordinates, with its constraints in those coordinates. */
export class SearchSpace {
  readonly dims: Dimension[];
  readonly fixed: Record<string, ParamValue> = {};
  readonly categorical: Uint8Array;
  readonly constraints: UnitConstraint[];
  /** Search bounds per coordinate (a categorical one spans its level indices). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;

  constructor(private readonly config: OptimizerConfig) {
    this.dims = [];
    for (const [name, spec] of Object.entries(config.parameters)) {
      const dim = toDimension(name, spec);
      if (dim && dim.kind !== 'continuous' && dim.values.length === 1) this.fixed[name] = dim.values[0];
      else if (dim) this.dims.push(dim);
      else this.fixed[name] = (spec as { value: ParamValue }).value;
    }
    const d = this.dims.length;
    this.categorical = Uint8Array.from(this.dims, (dim) => (dim.kind === 'categorical' ? 1 : 0));
    this.lower = new Float64Array(d);
    this.upper = Float64Array.from(this.dims, (dim) => (dim.kind === 'categorical' ? dim.values.length - 1 : 1));
    this.constraints = (config.constraints ?? []).map((text) => this.toUnit(text));
  }

  get size(): number {
    return this.dims.length;
  }

  private toUnit(text: string): UnitConstraint {
    const { coefficients, bound } = parseLinearInequality(text);
    const a = new Float64Array(this.dims.length);
    let b = bound;
    for (const [name, c] of Object.entries(coefficients)) {
      const j = this.dims.findIndex((dim) => dim.name === name);
      const dim = this.dims[j];
      if (dim?.kind === 'continuous') {
        a[j] = c * (dim.max - dim.min);
        b -= c * dim.min;
      } else if (dim?.kind === 'discrete') {
        const lo = dim.values[0];
        a[j] = c * (dim.values[dim.values.length - 1] - lo);
        b -= c * lo;
      } else {
        // a range collapsed to one value (or declared fixed) is a constant here
        b -= c * Number(this.fixed[name]);
      }
    }
    return { a, b };
  }

  /** Whether model coordinates satisfy every linear constraint (1e-9 slack for rounding). */
  feasible(u: ArrayLike<number>): boolean {
    for (const { a, b } of this.constraints) {
      let s = 0;
      for (let j = 0; j < a.length; j++) s += a[j] * u[j];
      if (s > b + 1e-9) return false;
    }
    return true;
  }

  /** Maps a unit-cube point (e.g. from Sobol) to model coordinates: categoricals take ⌊u·k⌋. */
  fromUnitCube(u: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.dims, (dim, j) =>
      dim.kind === 'categorical' ? Math.min(dim.values.length - 1, Math.floor(u[j] * dim.values.length)) : u[j],
    );
  }

  /** Snaps discrete coordinates to their grid (categoricals are always whole). */
  snap(u: Float64Array): Float64Array {
    const out = Float64Array.from(u);
    this.dims.forEach((dim, j) => {
      if (dim.kind === 'discrete') {
        const k = dim.values.length - 1;
        out[j] = Math.round(Math.min(1, Math.max(0, u[j])) * k) / k;
      }
    });
    return out;
  }

  /** Model coordinates to the parameters a workflow receives, fixed values included, in config order. */
  decode(u: ArrayLike<number>): Record<string, ParamValue> {
    const byName: Record<string, ParamValue> = { ...this.fixed };
    this.dims.forEach((dim, j) => {
      const x = Math.min(1, Math.max(0, u[j]));
      if (dim.kind === 'continuous') {
        const v = dim.log ? Math.exp(Math.log(dim.min) + x * (Math.log(dim.max) - Math.log(dim.min))) : dim.min + x * (dim.max - dim.min);
        byName[dim.name] = Math.min(dim.max, Math.max(dim.min, v));
      } else if (dim.kind === 'discrete') {
        byName[dim.name] = dim.values[Math.round(x * (dim.values.length - 1))];
      } else {
        byName[dim.name] = dim.values[Math.round(u[j])];
      }
    });
    const out: Record<string, ParamValue> = {};
    for (const name of Object.keys(this.config.parameters)) out[name] = byName[name];
    return out;
  }

  /**
   * Parameters to model coordinates, or null when they cannot be placed in this space (a value
   * missing, of the wrong type, outside a range, or not among the choices): such a trial is recorded
   * but not modelled.
   */
  encode(params: Record<string, unknown>): Float64Array | null {
    const u = new Float64Array(this.dims.length);
    for (let j = 0; j < this.dims.length; j++) {
      const dim = this.dims[j];
      const v = params[dim.name];
      if (dim.kind === 'categorical') {
        const k = dim.values.findIndex((c) => c === v);
        if (k < 0) return null;
        u[j] = k;
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) return null;
      if (dim.kind === 'continuous') {
        const tol = 1e-9 * (dim.max - dim.min);
        if (v < dim.min - tol || v > dim.max + tol) return null;
        const x = dim.log ? (Math.log(v) - Math.log(dim.min)) / (Math.log(dim.max) - Math.log(dim.min)) : (v - dim.min) / (dim.max - dim.min);
        u[j] = Math.min(1, Math.max(0, x));
      } else if (!dim.grid) {
        // numeric choices are ordinal: their index, not their value, is the coordinate
        const k = dim.values.indexOf(v);
        if (k < 0) return null;
        u[j] = k / (dim.values.length - 1);
      } else {
        const lo = dim.values[0];
        const hi = dim.values[dim.values.length - 1];
        const tol = 1e-9 * (hi - lo);
        if (v < lo - tol || v > hi + tol) return null;
        // the value's place on the grid's line, so off-grid operator values keep their position
        u[j] = (v - lo) / (hi - lo);
      }
    }
    return u;
  }
}
