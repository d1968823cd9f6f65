import type { JsonObject, ParameterRow } from '@ivoryos/contracts';
import { fingerprint } from './program';
import { cloneJson } from './state';
import type { RowSource, RunPlan } from './types';

/** Which samples each iteration of the script phase runs: repeat N, or parameter rows in batches. */
export class IterationPlan {
  readonly batchSize: number;
  readonly rows: ParameterRow[] | null;
  /** Iterations (batches) of the script phase. */
  readonly total: number;
  readonly fingerprint: string;

  /** Rows decided per iteration (a campaign), or null for a fixed plan. */
  readonly source: RowSource | null;

  constructor(plan: RunPlan) {
    this.batchSize = Math.max(1, Math.floor(plan.batchSize ?? 1));
    this.source = plan.source ?? null;
    this.rows = this.source ? null : (plan.parameters ?? null);
    this.total = this.source
      ? this.source.maxIterations
      : this.rows ? Math.ceil(this.rows.length / this.batchSize) : Math.max(0, Math.floor(plan.repeat ?? 1));
    this.fingerprint = this.source
      ? fingerprint(JSON.stringify(['source', this.source.fingerprint, this.batchSize]))
      : fingerprint(JSON.stringify([this.rows, this.batchSize, this.total]));
  }

  /** Contexts (one per sample) and the rows they came from, for 0-based `iteration`. */
  samples(iteration: number): { contexts: JsonObject[]; parameters: ParameterRow[] | null } {
    if (!this.rows) return { contexts: Array.from({ length: this.batchSize }, () => ({})), parameters: null };
    const chunk = this.rows.slice(iteration * this.batchSize, (iteration + 1) * this.batchSize);
    return { contexts: chunk.map((row) => cloneJson(row)), parameters: chunk };
  }
}
