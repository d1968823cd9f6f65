import type { JsonObject, JsonValue, PhaseName } from '@ivoryos/contracts';

export interface PhaseRecord {
  name: PhaseName;
  repeatIndex: number;
  parameters: JsonObject[] | null;
  outputs: JsonObject[] | null;
}

export interface ResultsTable {
  columns: string[];
  rows: Record<string, JsonValue>[];
}

/**
 * One row per sample of the main phases, in execution order: the sample number, the iteration
 * (or batch) it ran in, its parameters, then every variable and output it ended with.
 * Parameter columns come first, in the order of the run's parameter table.
 */
export function buildResults(phases: PhaseRecord[], parameterNames: string[] = []): ResultsTable {
  const rows: Record<string, JsonValue>[] = [];
  const seen = new Set<string>(['sample', 'iteration', ...parameterNames]);
  const extra: string[] = [];
  let sample = 0;
  for (const phase of phases) {
    if (phase.name !== 'main') continue;
    const count = Math.max(phase.outputs?.length ?? 0, phase.parameters?.length ?? 0);
    for (let i = 0; i < count; i++) {
      const row: Record<string, JsonValue> = { sample: ++sample, iteration: phase.repeatIndex };
      for (const source of [phase.parameters?.[i], phase.outputs?.[i]]) {
        for (const [k, v] of Object.entries(source ?? {})) {
          if (k === 'sample' || k === 'iteration') continue;
          row[k] = v;
          if (!seen.has(k)) {
            seen.add(k);
            extra.push(k);
          }
        }
      }
      rows.push(row);
    }
  }
  return { columns: ['sample', 'iteration', ...parameterNames, ...extra], rows };
}
