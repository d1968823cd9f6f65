import type { OptimizerJob } from '@ivoryos/contracts';
import type { OptimizerPlan } from './optimizer-request';
import type { SeedTrial } from './optimizer-seeds';

/** The optimizer that runs campaigns here (no external optimizer is configured). */
export const BUILT_IN = 'built-in GP-LogEI (libs/optimizer)';

/** What an optimizer run keeps (`workflow_run.optimizer`): the checked campaign and its resolved seeds. */
export interface OptimizerRunPlan extends OptimizerPlan {
  seeded: SeedTrial[];
  /** Said in the run's log: what serves the campaign when another optimizer was asked for by name. */
  servedBy?: string;
}

/** The campaign as the run hand-over carries it to the agent. */
export function optimizerJob(plan: OptimizerRunPlan): OptimizerJob {
  return {
    config: plan.config as unknown as OptimizerJob['config'],
    budget: plan.budget, seed: plan.seed, earlyStop: plan.earlyStop, seeded: plan.seeded,
  };
}
