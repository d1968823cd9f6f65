import type { WorkflowAction } from '@ivoryos/contracts';

/** Flow-control blocks in IvoryOS's flat list: an opener, optional middles, a closer, one uuid. */
const OPENERS: Record<string, { middle?: string; close: string }> = {
  if: { middle: 'else', close: 'endif' },
  while: { close: 'endwhile' },
  repeat: { close: 'endrepeat' },
};

export type RowKind = 'open' | 'middle' | 'close' | 'leaf';

export interface TreeRow {
  index: number;
  /** 0 at the phase's top level. */
  depth: number;
  kind: RowKind;
  /** For an opener: the index of its closer (its whole block is index..end). */
  end?: number;
  /** The kinds (if, repeat, while) of the blocks around this row, outermost first; one per depth level. */
  rails: string[];
  /** For a marker (opener, else, end): the block's kind. */
  block?: string;
}

function kindOf(a: WorkflowAction): RowKind {
  const block = OPENERS[a.instrument];
  if (!block) return 'leaf';
  if (a.action === a.instrument) return 'open';
  if (a.action === block.middle) return 'middle';
  return a.action === block.close ? 'close' : 'leaf';
}

/** The flat list as a tree: each row's depth, and each block's extent (unbalanced markers stay at depth 0). */
export function treeRows(actions: readonly WorkflowAction[]): TreeRow[] {
  const rows: TreeRow[] = [];
  const open: TreeRow[] = [];
  const rails = () => open.map((r) => r.block as string);
  actions.forEach((a, index) => {
    const kind = kindOf(a);
    if (kind === 'open') {
      const row: TreeRow = { index, depth: open.length, kind, rails: rails(), block: a.instrument };
      rows.push(row);
      open.push(row);
    } else if (kind === 'middle' || kind === 'close') {
      const opener = open.at(-1);
      rows.push({ index, depth: opener ? opener.depth : 0, kind, rails: opener ? opener.rails : [], block: a.instrument });
      if (kind === 'close' && opener) {
        opener.end = index;
        open.pop();
      }
    } else {
      rows.push({ index, depth: open.length, kind, rails: rails() });
    }
  });
  return rows;
}

/**
 * Line numbers as the canvas shows them: block ends are drawn as the end of their block's rail, not
 * as lines, so they get none and the numbers run on without gaps. Keyed by index in the phase.
 */
export function lineNumbers(actions: readonly WorkflowAction[]): (number | undefined)[] {
  let n = 0;
  return treeRows(actions).map((r) => (r.kind === 'close' ? undefined : ++n));
}

/** The next row up or down that can be selected (block ends cannot). */
export function nextSelectable(actions: readonly WorkflowAction[], index: number, direction: -1 | 1): number {
  const rows = treeRows(actions);
  for (let i = index + direction; i >= 0 && i < rows.length; i += direction) if (rows[i].kind !== 'close') return i;
  return index;
}

/** Ids are 1-based positions in the phase (IvoryOS's `id`), renumbered after every change. */
function renumber(actions: WorkflowAction[]): WorkflowAction[] {
  return actions.map((a, i) => ({ ...a, id: i + 1 }));
}

/** The range a row moves with: a block with everything in it, or one step. Middles and closers never move alone. */
export function unitAt(actions: readonly WorkflowAction[], index: number): [number, number] | undefined {
  const row = treeRows(actions)[index];
  if (!row || row.kind === 'middle' || row.kind === 'close') return undefined;
  return [index, row.kind === 'open' ? (row.end ?? index) : index];
}

/**
 * Moves a step (or a whole block) one place up or down in the flat list. Passing a block's marker
 * moves it into or out of that block, as dragging past the marker would.
 */
export function moveUnit(actions: readonly WorkflowAction[], index: number, direction: -1 | 1): { actions: WorkflowAction[]; index: number } {
  const unit = unitAt(actions, index);
  if (!unit) return { actions: [...actions], index };
  const [start, end] = unit;
  if ((direction === -1 && start === 0) || (direction === 1 && end === actions.length - 1)) return { actions: [...actions], index };
  const list = [...actions];
  const moved = list.splice(start, end - start + 1);
  const at = direction === -1 ? start - 1 : start + 1;
  list.splice(at, 0, ...moved);
  return { actions: renumber(list), index: at };
}

/**
 * Moves a step (or a whole block) to where a drag dropped it over row `over`, as a sortable list
 * does: dragged down it lands after that row, dragged up before it. So dropping below a block's
 * opener puts it first inside the block, below its end puts it after the block. A block never lands
 * inside itself.
 */
export function moveUnitTo(actions: readonly WorkflowAction[], from: number, over: number): { actions: WorkflowAction[]; index: number } {
  const unit = unitAt(actions, from);
  if (!unit || (over >= unit[0] && over <= unit[1]) || over < 0 || over >= actions.length) return { actions: [...actions], index: from };
  const [start, end] = unit;
  const list = [...actions];
  const moved = list.splice(start, end - start + 1);
  const at = over > end ? over - moved.length + 1 : over;
  list.splice(at, 0, ...moved);
  return { actions: renumber(list), index: at };
}

/** Removes a step, or a block with its contents. */
export function removeUnit(actions: readonly WorkflowAction[], index: number): WorkflowAction[] {
  const unit = unitAt(actions, index);
  if (!unit) return [...actions];
  const list = [...actions];
  list.splice(unit[0], unit[1] - unit[0] + 1);
  return renumber(list);
}

/** A fresh uuid for a new step or block (IvoryOS uses integers). */
export function newUuid(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** Inserts actions after `index` (or at the end when -1 or none is selected). */
export function insertAfter(actions: readonly WorkflowAction[], index: number, added: WorkflowAction[]): { actions: WorkflowAction[]; index: number } {
  const at = index < 0 || index >= actions.length ? actions.length : index + 1;
  const list = [...actions];
  list.splice(at, 0, ...added);
  return { actions: renumber(list), index: at };
}

/** The markers of a new flow-control block, sharing one uuid. */
export function newBlock(kind: 'if' | 'while' | 'repeat', statement: string | number): WorkflowAction[] {
  const uuid = newUuid();
  const marker = (action: string, args: WorkflowAction['args'] = {}): WorkflowAction => ({ id: 0, uuid, instrument: kind, action, args, return: '' });
  const first = marker(kind, { statement }, );
  if (kind === 'repeat') first.arg_types = { statement: 'int' };
  if (kind === 'if') return [first, marker('else'), marker('endif')];
  return [first, marker(OPENERS[kind].close)];
}

/** The one-line flow steps the palette offers beside the blocks. */
export const FLOW_STEPS = {
  wait: { label: 'wait', make: (): Partial<WorkflowAction> => ({ action: 'wait', args: { statement: 1 }, arg_types: { statement: 'float' } }) },
  pause: { label: 'pause for the operator', make: () => ({ action: 'pause', args: { statement: 'Check the deck, then continue' } }) },
  input: { label: 'ask the operator (input)', make: () => ({ action: 'answer', args: { statement: 'Value to use' }, arg_types: { statement: 'float' } }) },
  variable: { label: 'variable', make: () => ({ action: 'x', args: { statement: 0 }, arg_types: { statement: 'float' } }) },
  math_variable: { label: 'calculate (math)', make: () => ({ action: 'y', args: { statement: 'x * 2' }, arg_types: { statement: 'float' } }) },
  comment: { label: 'comment', make: () => ({ action: 'comment', args: { statement: 'note' } }) },
} satisfies Record<string, { label: string; make: () => Partial<WorkflowAction> }>;
export type FlowStep = keyof typeof FLOW_STEPS;

export function isFlowStep(instrument: string): instrument is FlowStep {
  return Object.hasOwn(FLOW_STEPS, instrument);
}

/** A new flow step, e.g. `wait 1 s`, with a fresh uuid. */
export function newFlowStep(kind: FlowStep): WorkflowAction {
  return { id: 0, uuid: newUuid(), instrument: kind, action: kind, args: {}, return: '', ...FLOW_STEPS[kind].make() };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

/** How a row reads, code-like: `score = sdl.analyze(param_1=#p1, param_2=2)`, `if #temp > 50`, `repeat 3 times`. */
export function rowLabel(a: WorkflowAction): string {
  const args = a.args && typeof a.args === 'object' && !Array.isArray(a.args) ? (a.args as Record<string, unknown>) : {};
  const statement = args.statement;
  switch (kindOf(a)) {
    case 'open':
      return a.instrument === 'repeat' ? `repeat ${String(statement ?? '?')} times` : `${a.instrument} ${String(statement ?? '')}`;
    case 'middle':
      return 'else';
    case 'close':
      return a.action;
    default: {
      if (isFlowStep(a.instrument)) {
        const type = typeof a.arg_types?.statement === 'string' ? a.arg_types.statement : undefined;
        switch (a.instrument) {
          case 'wait':
            return `wait ${show(statement)} s`;
          case 'pause':
            return `pause: "${show(statement)}"`;
          case 'comment':
            return `# ${show(statement)}`;
          case 'input':
            return `${a.action} = input("${show(statement)}")${type ? ` as ${type}` : ''}`;
          default:
            return `${a.action} = ${show(statement)}${type ? ` (${type})` : ''}`;
        }
      }
      const call = `${a.instrument.replace(/^deck\./, '')}.${a.action}(${Object.entries(args).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')})`;
      const ret = Array.isArray(a.return) ? a.return.filter(Boolean).join(', ') : a.return;
      return ret ? `${ret} = ${call}` : call;
    }
  }
}
