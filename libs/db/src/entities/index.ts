import { Deck } from './deck.entity';
import { SingleStep } from './single-step.entity';
import { Workflow } from './workflow.entity';
import { WorkflowPhase } from './workflow-phase.entity';
import { WorkflowRun } from './workflow-run.entity';
import { WorkflowStep } from './workflow-step.entity';

export { Deck, SingleStep, Workflow, WorkflowPhase, WorkflowRun, WorkflowStep };
export type { SingleStepStatus } from './single-step.entity';

export const entities = [Workflow, Deck, WorkflowRun, WorkflowPhase, WorkflowStep, SingleStep];
