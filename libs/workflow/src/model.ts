import type { PhaseKey, WorkflowAction } from '@ivoryos/contracts';

/** A problem found in a workflow, located by phase, the action's `id` in that phase and a field path. */
export interface WorkflowIssue {
  phase: PhaseKey;
  /** The action's `id` within its phase; `null` for problems of the phase list itself. */
  stepId: number | null;
  /** Path inside the action: `action`, `args.amount`, `return`, `workflow[2].args.x`. */
  field: string;
  message: string;
}

/** Leaf kinds: everything that runs as one unit per sample (or once per batch). */
export type StepKind = 'action' | 'wait' | 'pause' | 'comment' | 'variable' | 'math_variable' | 'input';

interface NodeBase {
  /** The opening (or only) action of this node. */
  action: WorkflowAction;
  /** 0-based positions in the flat list of the first and last action this node spans. */
  start: number;
  end: number;
  /** A disabled opener disables the whole block. */
  disabled: boolean;
}

export interface StepNode extends NodeBase {
  kind: StepKind;
}

export interface IfNode extends NodeBase {
  kind: 'if';
  elseAction: WorkflowAction | null;
  endAction: WorkflowAction;
  then: Block;
  otherwise: Block;
}

export interface WhileNode extends NodeBase {
  kind: 'while';
  endAction: WorkflowAction;
  body: Block;
}

export interface RepeatNode extends NodeBase {
  kind: 'repeat';
  endAction: WorkflowAction;
  body: Block;
}

/** An embedded registered workflow (`instrument: "workflows"`), its copied script phase nested. */
export interface WorkflowCallNode extends NodeBase {
  kind: 'workflow';
  body: Block;
}

export type WorkflowNode = StepNode | IfNode | WhileNode | RepeatNode | WorkflowCallNode;

/** A list of nodes. `id` is stable for a given workflow (`script`, `script.3.then`), so positions can be checkpointed. */
export interface Block {
  id: string;
  nodes: WorkflowNode[];
}

export interface ParsedWorkflow {
  phases: Record<PhaseKey, Block>;
  /** Every block by id, phases and nested bodies alike. */
  blocks: ReadonlyMap<string, Block>;
}
