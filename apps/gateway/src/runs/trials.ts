import type { JsonObject, JsonValue, PhaseName } from '@ivoryos/contracts';
import { bestTrial, minimisedValues, paretoFront, type ObjectiveSpec, type ParamValue, type TrialRecord } from '@ivoryos/optimizer';

/** A main phase as the trials are read from it: its rows, the optimizer's notes on them, and the samples' contexts. */
export interface TrialPhase {
  name: PhaseName;
  repeatIndex: number;
  parameters: JsonObject[] | null;
  meta: JsonObject[] | null;
  outputs: JsonObject[] | null;
  endedAt: Date | string | null;
}

export type SuggestedBy = 'initial' | 'model' | 'seeded' | 'operator';

export interface Trial {
  /** 1-based, in trial order (the results table's `sample`). */
  index: number;
  /** The iteration (batch) it ran in. */
  iteration: number;
  /** `running` until its iteration ends; `failed` when an objective is missing or not a number (never fed to the model). */
  status: 'running' | 'completed' | 'failed';
  parameters: JsonObject;
  /** The sample's saved outputs and variables (its parameters left out). */
  outputs: JsonObject;
  suggestedBy: SuggestedBy | null;
  /** LogEI of the point under the model when it was suggested; null for design points. */
  acquisition: number | null;
  /** Time the suggestion's fit and search took (ms, shared by a batch). */
  fitMs: number | null;
  /** Why a model slot fell back to a design point, if it did. */
  note?: string;
  /** Best value of the first objective up to and including this trial; null before any completed trial. */
  bestSoFar: number | null;
}

export interface TrialsTable {
  items: Trial[];
  best: { index: number; parameters: JsonObject; outputs: JsonObject } | null;
  /** Several objectives: the indexes of the completed trials no other completed trial dominates. */
  pareto?: number[];
}

const SUGGESTED_BY: readonly string[] = ['initial', 'model', 'seeded', 'operator'];
const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An optimizer run's trials, from its recorded main phases (one trial per sample), with the best one or the Pareto front. */
export function buildTrials(phases: TrialPhase[], objectives: ObjectiveSpec[]): TrialsTable {
  const items: Trial[] = [];
  const records: TrialRecord[] = [];
  // the first objective's best so far, minimised (a "max" objective negated)
  let bestMin = Infinity;
  const sign = objectives[0]?.direction === 'max' ? -1 : 1;
  for (const phase of phases) {
    if (phase.name !== 'main') continue;
    const count = Math.max(phase.parameters?.length ?? 0, phase.outputs?.length ?? 0);
    for (let s = 0; s < count; s++) {
      const parameters = phase.parameters?.[s] ?? {};
      const context = phase.outputs?.[s];
      const outputs: JsonObject = {};
      for (const [k, v] of Object.entries(context ?? {})) if (!Object.hasOwn(parameters, k)) outputs[k] = v;
      const meta = phase.meta?.[s] ?? {};
      const record: TrialRecord = { parameters: parameters as Record<string, ParamValue>, status: 'completed', outputs, suggestedBy: 'model' };
      const values = context !== undefined && phase.endedAt ? minimisedValues(objectives, record) : null;
      const status: Trial['status'] = !phase.endedAt || context === undefined ? 'running' : values ? 'completed' : 'failed';
      records.push({ ...record, status: status === 'completed' ? 'completed' : status === 'running' ? 'pending' : 'failed' });
      if (values) bestMin = Math.min(bestMin, values[0]);
      items.push({
        index: items.length + 1,
        iteration: phase.repeatIndex,
        status,
        parameters,
        outputs,
        suggestedBy: SUGGESTED_BY.includes(meta['suggestedBy'] as string) ? (meta['suggestedBy'] as SuggestedBy) : null,
        acquisition: num(meta['acquisition']),
        fitMs: num(meta['fitMs']),
        ...(typeof meta['note'] === 'string' ? { note: meta['note'] } : {}),
        bestSoFar: bestMin === Infinity ? null : sign * bestMin,
      });
    }
  }
  const pick = bestTrial({ objectives }, records);
  return {
    items,
    best: pick === null ? null : { index: items[pick].index, parameters: items[pick].parameters, outputs: items[pick].outputs },
    ...(objectives.length > 1 ? { pareto: paretoFront({ objectives }, records).map((i) => items[i].index) } : {}),
  };
}
