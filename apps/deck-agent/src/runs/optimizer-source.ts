import { createHash } from 'node:crypto';
import type { JsonObject, OptimizerJob } from '@ivoryos/contracts';
import {
  campaignStop, minimisedValues, type OptimizerConfig, type ParamValue, type Suggestion, type TrialRecord,
} from '@ivoryos/optimizer';
import type { IterationResult, RowSource, SourceRows } from '@ivoryos/workflow';

/** Where suggestions are computed: the agent's worker thread, or suggest() itself in tests. */
export type Suggester = (config: OptimizerConfig, trials: TrialRecord[], seed: number, count: number) => Promise<Suggestion[]>;

const SUGGESTED_BY = ['initial', 'model', 'seeded', 'operator'] as const;

/** A finished sample as the optimizer sees it: failed when an objective is missing (never fed as a zero). */
export function trialOf(config: OptimizerConfig, result: IterationResult): TrialRecord {
  const by = result.meta?.['suggestedBy'];
  const trial: TrialRecord = {
    parameters: result.parameters as Record<string, ParamValue>,
    status: 'completed',
    outputs: result.outputs,
    suggestedBy: SUGGESTED_BY.includes(by as TrialRecord['suggestedBy']) ? (by as TrialRecord['suggestedBy']) : 'model',
  };
  return minimisedValues(config.objectives, trial) ? trial : { ...trial, status: 'failed' };
}

/**
 * An optimizer campaign as the interpreter's row source: each iteration's rows are the next batch of
 * `suggest` over the seeded trials plus every finished sample, so the same results always give the
 * same rows (the journal's checkpoints hold the rows before they run). Ends when the budget is spent,
 * every objective reached its threshold, or the early-stop rule fires.
 */
export function optimizerRowSource(job: OptimizerJob, batchSize: number, suggester: Suggester): RowSource {
  const config = job.config as unknown as OptimizerConfig;
  const seeded: TrialRecord[] = job.seeded.map((t) => ({
    parameters: t.parameters as Record<string, ParamValue>, status: 'completed', outputs: t.outputs, suggestedBy: 'seeded',
  }));
  const rows = async (results: IterationResult[], override?: Partial<OptimizerConfig>): Promise<SourceRows | null> => {
    const own = results.map((r) => trialOf(config, r));
    const stop = campaignStop(config, [...seeded, ...own], { budget: seeded.length + job.budget, earlyStop: job.earlyStop });
    if (stop) return null;
    const count = Math.min(batchSize, job.budget - own.length);
    const suggestions = await suggester({ ...config, ...override }, [...seeded, ...own], job.seed, count);
    return {
      rows: suggestions.map((s) => s.parameters as JsonObject),
      meta: suggestions.map((s) => ({
        suggestedBy: s.suggestedBy, acquisition: s.acquisition, fitMs: Math.round(s.fitMs * 10) / 10, ...(s.note ? { note: s.note } : {}),
      })),
    };
  };
  return {
    fingerprint: createHash('sha256').update(JSON.stringify([job.config, job.seed, job.budget, job.earlyStop, job.seeded])).digest('hex').slice(0, 16),
    // an upper bound: operators' trials take an iteration of their own (one row), so with batches the
    // iterations can exceed budget / batch size; the budget itself ends the campaign (campaignStop above)
    maxIterations: job.budget,
    next: (results) => rows(results),
    // after a failed suggestion the operator may skip to the next design point
    fallback: (results) => rows(results, { algorithm: 'sobol' }),
  };
}
