import type { JsonObject, JsonValue, PhaseName } from '@ivoryos/contracts';

export interface PhaseRecord {
  name: PhaseName;
  repeatIndex: number;
  parameters: JsonObject[] | null;
  /** Optimizer runs: the optimizer's notes per sample (suggestedBy, acquisition, fitMs). */
  meta?: JsonObject[] | null;
  outputs: JsonObject[] | null;
}

export interface ResultsTable {
  columns: string[];
  rows: Record<string, JsonValue>[];
}

/**
 * One row per sample of the main phases, in execution order: the sample number, the iteration
 * (or batch) it ran in, its parameters, then every variable and output it ended with.
 * Parameter columns come first, in the order of the run's parameter table; an optimizer run's notes on
 * each trial (suggested by, acquisition, fit time) follow them.
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
      for (const source of [phase.parameters?.[i], ordered(phase.meta?.[i]), phase.outputs?.[i]]) {
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

const META_ORDER = ['suggestedBy', 'acquisition', 'fitMs', 'note'];

/** The optimizer's notes in a fixed column order (PostgreSQL's jsonb keeps keys sorted by length). */
function ordered(meta: JsonObject | undefined): JsonObject | undefined {
  if (!meta) return meta;
  const rank = (k: string) => (META_ORDER.includes(k) ? META_ORDER.indexOf(k) : META_ORDER.length);
  return Object.fromEntries(Object.entries(meta).sort(([a], [b]) => rank(a) - rank(b)));
}
