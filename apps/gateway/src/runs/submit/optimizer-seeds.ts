import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldError, JsonObject, JsonValue } from '@ivoryos/contracts';
import { WorkflowPhase, WorkflowRun } from '@ivoryos/db';
import { convertValue, parseConfigCsv, type ParameterInfo } from '@ivoryos/workflow';
import type { OptimizerPlan } from './optimizer-request';

/** A finished trial that seeds the model: its parameters and objective outputs. */
export interface SeedTrial {
  parameters: JsonObject;
  outputs: JsonObject;
}

/** What a seed must supply: the campaign's tunable parameters and its objectives' outputs. */
export interface SeedColumns {
  parameters: ParameterInfo[];
  outputs: string[];
}

const MAX_SEEDS = 10_000;

/** A sample's row as a seed, or null when a parameter or an objective is missing (a failed trial seeds nothing). */
function seedOf(values: Record<string, JsonValue>, columns: SeedColumns): SeedTrial | null {
  const parameters: JsonObject = {};
  for (const p of columns.parameters) {
    if (!Object.hasOwn(values, p.name)) return null;
    const converted = convertValue(values[p.name], p.type);
    if (!converted.ok) return null;
    parameters[p.name] = converted.value;
  }
  const outputs: JsonObject = {};
  for (const name of columns.outputs) {
    const raw = values[name];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    outputs[name] = v;
  }
  return { parameters, outputs };
}

/**
 * Resolves `seedFrom` into trials now, at submission: the agent has no database, and the run must not
 * change if a seeding run is deleted later. Runs are read from their recorded main phases (the run must
 * be visible to the caller's deck scope); CSV files from `<dataDir>/config_csv/`. Samples that miss a
 * parameter or an objective are left out; a source that gives no trial at all is an error.
 */
export async function resolveSeeds(
  em: EntityManager, plan: Pick<OptimizerPlan, 'seedFrom'>, columns: SeedColumns, dataDir: string, deckScope?: string,
): Promise<{ seeded: SeedTrial[]; errors: FieldError[] }> {
  const seeded: SeedTrial[] = [];
  const errors: FieldError[] = [];
  for (const [i, source] of plan.seedFrom.entries()) {
    const path = `optimizer.seedFrom[${i}]`;
    let found: SeedTrial[];
    let from: string;
    if (typeof source === 'string') {
      from = `run ${source}`;
      const run = await em.findOne(WorkflowRun, deckScope ? { id: source, deck: deckScope } : { id: source }, { fields: ['id'] });
      if (!run) {
        errors.push({ path, message: `run '${source}' not found` });
        continue;
      }
      const phases = await em.find(WorkflowPhase, { run: source, name: 'main' }, { orderBy: { id: 'asc' }, fields: ['parameters', 'outputs'] });
      found = phases.flatMap((p) => (p.outputs ?? []).map((out, s) => seedOf({ ...(p.parameters?.[s] ?? {}), ...out }, columns)))
        .filter((t): t is SeedTrial => t !== null);
    } else {
      from = `config_csv/${source.csv}`;
      let text: string;
      try {
        text = await readFile(join(dataDir, 'config_csv', source.csv), 'utf8');
      } catch {
        errors.push({ path: `${path}.csv`, message: `no file '${source.csv}' under config_csv/` });
        continue;
      }
      const table = parseConfigCsv(text);
      const missing = [...columns.parameters.map((p) => p.name), ...columns.outputs].filter((c) => !table.columns.includes(c));
      if (missing.length) {
        errors.push({ path: `${path}.csv`, message: `the file has no column for ${missing.join(', ')}` });
        continue;
      }
      found = table.rows.map((row) => seedOf(row as Record<string, JsonValue>, columns)).filter((t): t is SeedTrial => t !== null);
    }
    if (found.length === 0) errors.push({ path, message: `${from} holds no finished sample with every parameter and objective` });
    seeded.push(...found);
  }
  if (seeded.length > MAX_SEEDS) errors.push({ path: 'optimizer.seedFrom', message: `at most ${MAX_SEEDS} seeded trials, not ${seeded.length}` });
  return { seeded, errors };
}
