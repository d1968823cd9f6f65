import { PHASE_KEYS } from '@ivoryos/contracts';
import type { PhaseKey, WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';
import type { Block, ParsedWorkflow, StepKind, WorkflowIssue, WorkflowNode } from './model';

type Marker = 'if' | 'else' | 'endif' | 'while' | 'endwhile' | 'repeat' | 'endrepeat';
export type ActionClass = Marker | StepKind | 'workflow' | { invalid: string };

const MARKERS: Record<string, readonly Marker[]> = {
  if: ['if', 'else', 'endif'],
  while: ['while', 'endwhile'],
  repeat: ['repeat', 'endrepeat'],
};
const LEAF_INSTRUMENTS: Record<string, StepKind> = {
  wait: 'wait', pause: 'pause', comment: 'comment', variable: 'variable', math_variable: 'math_variable', input: 'input',
};

/** The action's `id`, or its 1-based position when a hand-written file lacks one. */
export function stepIdOf(action: WorkflowAction, position: number): number {
  return typeof action.id === 'number' && Number.isFinite(action.id) ? action.id : position + 1;
}

/**
 * What an action is. Markers are recognised by instrument *and* action (IvoryOS looks at the action
 * only, so a deck method called `repeat` would be taken for a marker).
 */
export function classifyAction(action: unknown): ActionClass {
  if (typeof action !== 'object' || action === null || Array.isArray(action)) return { invalid: 'an action must be an object' };
  const { instrument, action: name } = action as Partial<WorkflowAction>;
  if (typeof instrument !== 'string' || instrument === '') return { invalid: "'instrument' must be a non-empty string" };
  if (typeof name !== 'string' || name === '') return { invalid: "'action' must be a non-empty string" };
  const markers = MARKERS[instrument];
  if (markers) {
    const marker = markers.find((m) => m === name);
    return marker ?? { invalid: `unknown ${instrument} marker '${name}' (expected ${markers.join(', ')})` };
  }
  if (Object.hasOwn(LEAF_INSTRUMENTS, instrument)) return LEAF_INSTRUMENTS[instrument];
  if (instrument === 'workflows') return 'workflow';
  return 'action';
}

interface OpenBlock {
  kind: 'if' | 'while' | 'repeat';
  action: WorkflowAction;
  start: number;
  nodes: WorkflowNode[];
  elseAction: WorkflowAction | null;
  thenNodes: WorkflowNode[] | null;
}

const CLOSER: Record<OpenBlock['kind'], Marker> = { if: 'endif', while: 'endwhile', repeat: 'endrepeat' };

export interface NestResult {
  /** `null` when the list has structural errors. */
  block: Block | null;
  errors: WorkflowIssue[];
  blocks: Block[];
}

/**
 * Turns one flat phase list into nested blocks, as IvoryOS's `validate_and_nest_control_flow` does, but
 * reports every structural problem instead of stopping at the first. `field` prefixes nested locations
 * (embedded workflows report against their outer step).
 */
export function nestActions(
  actions: readonly WorkflowAction[],
  phase: PhaseKey,
  blockId: string = phase,
  locate: (position: number, field: string) => Pick<WorkflowIssue, 'stepId' | 'field'> = (position, field) => ({
    stepId: stepIdOf(actions[position], position),
    field,
  }),
): NestResult {
  const errors: WorkflowIssue[] = [];
  const blocks: Block[] = [];
  const root: WorkflowNode[] = [];
  const stack: OpenBlock[] = [];
  const issue = (position: number, field: string, message: string): void => {
    errors.push({ phase, ...locate(position, field), message });
  };
  const current = (): WorkflowNode[] => (stack.length ? stack[stack.length - 1].nodes : root);
  const describe = (a: WorkflowAction, position: number): string =>
    `'${a.action}' at position ${position + 1} (uuid ${String(a.uuid)})`;
  const newBlock = (id: string, nodes: WorkflowNode[]): Block => {
    const block = { id, nodes };
    blocks.push(block);
    return block;
  };
  const close = (open: OpenBlock, endAction: WorkflowAction, end: number): void => {
    stack.pop();
    const base = { action: open.action, start: open.start, end, disabled: open.action.disabled === true, endAction };
    const id = `${blockId}.${open.start}`;
    let node: WorkflowNode;
    if (open.kind === 'if') {
      const thenNodes = open.thenNodes ?? open.nodes;
      const elseNodes = open.thenNodes ? open.nodes : [];
      node = {
        kind: 'if', ...base, elseAction: open.elseAction,
        then: newBlock(`${id}.then`, thenNodes), otherwise: newBlock(`${id}.else`, elseNodes),
      };
    } else {
      node = { kind: open.kind, ...base, body: newBlock(`${id}.body`, open.nodes) };
    }
    current().push(node);
  };

  actions.forEach((action, position) => {
    const cls = classifyAction(action);
    if (typeof cls === 'object') {
      issue(position, 'action', `Invalid step at position ${position + 1}: ${cls.invalid}`);
      return;
    }
    switch (cls) {
      case 'if':
      case 'while':
      case 'repeat':
        stack.push({ kind: cls, action, start: position, nodes: [], elseAction: null, thenNodes: null });
        return;
      case 'else':
      case 'endif':
      case 'endwhile':
      case 'endrepeat': {
        const top = stack[stack.length - 1];
        if (!top) {
          issue(position, 'action', `Found ${describe(action, position)} without a matching opening statement`);
          return;
        }
        const expected = top.kind === 'if' && !top.thenNodes ? ['else', 'endif'] : [CLOSER[top.kind]];
        if (top.action.uuid !== action.uuid || !expected.includes(cls)) {
          issue(position, 'action',
            `Found ${describe(action, position)} but expecting ${expected.join(' or ')} for the ${top.kind} block ` +
            `with uuid ${String(top.action.uuid)} starting at position ${top.start + 1}`);
          return;
        }
        if (cls === 'else') {
          top.thenNodes = top.nodes;
          top.nodes = [];
          top.elseAction = action;
        } else {
          close(top, action, position);
        }
        return;
      }
      case 'workflow': {
        const inner = Array.isArray(action.workflow) ? action.workflow : [];
        const nested = nestActions(inner, phase, `${blockId}.${position}.workflow`, (innerPos, field) => ({
          stepId: stepIdOf(action, position),
          field: `workflow[${innerPos}].${field}`,
        }));
        errors.push(...nested.errors);
        blocks.push(...nested.blocks);
        const body = nested.block ?? { id: `${blockId}.${position}.workflow`, nodes: [] };
        current().push({ kind: 'workflow', action, start: position, end: position, disabled: action.disabled === true, body });
        return;
      }
      default:
        current().push({ kind: cls, action, start: position, end: position, disabled: action.disabled === true });
    }
  });

  for (const open of stack) {
    issue(open.start, 'action',
      `Missing '${CLOSER[open.kind]}' for the ${open.kind} statement with uuid ${String(open.action.uuid)} ` +
      `starting at position ${open.start + 1}`);
  }
  if (errors.length) return { block: null, errors, blocks: [] };
  const block = newBlock(blockId, root);
  return { block, errors, blocks };
}

/** The three phase lists of a document; a missing phase reads as empty, anything else but a list is an error. */
export function phaseLists(doc: Pick<WorkflowDocument, 'script_dict'>): {
  lists: Record<PhaseKey, WorkflowAction[]>;
  errors: WorkflowIssue[];
} {
  const lists = { prep: [], script: [], cleanup: [] } as Record<PhaseKey, WorkflowAction[]>;
  const errors: WorkflowIssue[] = [];
  const dict: unknown = doc.script_dict;
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    errors.push({ phase: 'script', stepId: null, field: 'script_dict', message: 'script_dict must be an object of phase lists' });
    return { lists, errors };
  }
  for (const phase of PHASE_KEYS) {
    const list: unknown = (dict as Record<string, unknown>)[phase];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      errors.push({ phase, stepId: null, field: phase, message: `script_dict.${phase} must be a list of actions` });
      continue;
    }
    lists[phase] = list as WorkflowAction[];
  }
  return { lists, errors };
}

export interface ParseResult {
  /** `null` when any phase has structural errors. */
  workflow: ParsedWorkflow | null;
  errors: WorkflowIssue[];
}

/** Parses all three phases into nested trees, collecting the structural errors of every phase. */
export function parseWorkflow(doc: Pick<WorkflowDocument, 'script_dict'>): ParseResult {
  const { lists, errors } = phaseLists(doc);
  const blocks = new Map<string, Block>();
  const phases = {} as Record<PhaseKey, Block>;
  for (const phase of PHASE_KEYS) {
    const nested = nestActions(lists[phase], phase);
    errors.push(...nested.errors);
    if (nested.block) phases[phase] = nested.block;
    for (const block of nested.blocks) blocks.set(block.id, block);
  }
  if (errors.length) return { workflow: null, errors };
  return { workflow: { phases, blocks }, errors };
}
