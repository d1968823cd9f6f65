import type { OptimizerJob } from '@ivoryos/contracts';
import type { OptimizerPlan } from './optimizer-request';
import type { SeedTrial } from './optimizer-seeds';

/** What an optimizer run keeps (`workflow_run.optimizer`): the checked campaign and its resolved seeds. */
export interface OptimizerRunPlan extends OptimizerPlan {
  seeded: SeedTrial[];
}

/** The campaign as the run hand-over carries it to the agent. */
export function optimizerJob(plan: OptimizerRunPlan): OptimizerJob {
  return {
    config: plan.config as unknown as OptimizerJob['config'],
    budget: plan.budget, seed: plan.seed, earlyStop: plan.earlyStop, seeded: plan.seeded,
  };
}
