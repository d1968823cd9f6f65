import type { WorkflowAction } from '@ivoryos/contracts';
import { describe, expect, it } from 'vitest';
import { insertAfter, moveUnit, newBlock, removeUnit, rowLabel, treeRows, unitAt } from './designer-tree';

const step = (action: string, args: Record<string, unknown> = {}): WorkflowAction => ({ id: 0, uuid: action, instrument: 'deck.sdl', action, args: args as never, return: '' });
const marker = (instrument: string, action: string, uuid: number, args: Record<string, unknown> = {}): WorkflowAction => ({ id: 0, uuid, instrument, action, args: args as never, return: '' });

// a; if x { b; repeat 2 { c } } else { d }; e
const flow = (): WorkflowAction[] => [
  step('a'),
  marker('if', 'if', 1, { statement: '#x > 1' }),
  step('b'),
  marker('repeat', 'repeat', 2, { statement: 2 }),
  step('c'),
  marker('repeat', 'endrepeat', 2),
  marker('if', 'else', 1),
  step('d'),
  marker('if', 'endif', 1),
  step('e'),
].map((x, i) => ({ ...x, id: i + 1 }));

const names = (list: WorkflowAction[]) => list.map((a) => a.action);

describe('designer tree', () => {
  it('nests blocks: depth per row, and each block knows its end', () => {
    const rows = treeRows(flow());
    expect(rows.map((r) => r.depth)).toEqual([0, 0, 1, 1, 2, 1, 0, 1, 0, 0]);
    expect(rows.map((r) => r.kind)).toEqual(['leaf', 'open', 'leaf', 'open', 'leaf', 'close', 'middle', 'leaf', 'close', 'leaf']);
    expect(rows[1].end).toBe(8);
    expect(rows[3].end).toBe(5);
  });

  it('moves a whole block as one unit, and never a marker alone', () => {
    expect(unitAt(flow(), 3)).toEqual([3, 5]);
    expect(unitAt(flow(), 6)).toBeUndefined();
    const { actions, index } = moveUnit(flow(), 3, -1);
    expect(names(actions)).toEqual(['a', 'if', 'repeat', 'c', 'endrepeat', 'b', 'else', 'd', 'endif', 'e']);
    expect(index).toBe(2);
    expect(actions.map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(names(moveUnit(flow(), 6, -1).actions)).toEqual(names(flow()));
  });

  it('moving a step past a marker takes it into or out of the block', () => {
    const into = moveUnit(flow(), 9, -1);
    expect(names(into.actions)).toEqual(['a', 'if', 'b', 'repeat', 'c', 'endrepeat', 'else', 'd', 'e', 'endif']);
    expect(treeRows(into.actions)[into.index].depth).toBe(1);
    const out = moveUnit(flow(), 2, -1);
    expect(treeRows(out.actions)[out.index].depth).toBe(0);
  });

  it('removes a block with its contents, inserts after the selection, and builds new blocks', () => {
    expect(names(removeUnit(flow(), 1))).toEqual(['a', 'e']);
    const added = insertAfter(flow(), 0, newBlock('repeat', 3));
    expect(names(added.actions).slice(0, 4)).toEqual(['a', 'repeat', 'endrepeat', 'if']);
    expect(added.actions[1].uuid).toBe(added.actions[2].uuid);
    expect(names(newBlock('if', '#t > 2'))).toEqual(['if', 'else', 'endif']);
  });

  it('labels rows like code', () => {
    expect(rowLabel({ ...step('analyze', { param_1: '#p1', param_2: 2 }), return: 'score' })).toBe('score = sdl.analyze(param_1=#p1, param_2=2)');
    expect(rowLabel(flow()[3])).toBe('repeat 2 times');
    expect(rowLabel(flow()[1])).toBe('if #x > 1');
  });
});

describe('block ends on the canvas', () => {
  it('carry no line number, and selection steps over them', async () => {
    const { lineNumbers, nextSelectable } = await import('./designer-tree');
    expect(lineNumbers(flow())).toEqual([1, 2, 3, 4, 5, undefined, 6, 7, undefined, 8]);
    expect(nextSelectable(flow(), 4, 1)).toBe(6); // c → else, past endrepeat
    expect(nextSelectable(flow(), 9, -1)).toBe(7); // e → d, past endif
    expect(nextSelectable(flow(), 9, 1)).toBe(9);
  });
  it('know the blocks around each row, outermost first', () => {
    expect(treeRows(flow()).map((r) => r.rails.join('>'))).toEqual(['', '', 'if', 'if', 'if>repeat', 'if', '', 'if', '', '']);
  });
});

describe('drag and drop', () => {
  it('drops a step after the row it was dragged down onto, before the row dragged up onto', async () => {
    const { moveUnitTo } = await import('./designer-tree');
    // a down onto the repeat opener: first inside the repeat
    expect(names(moveUnitTo(flow(), 0, 3).actions)).toEqual(['if', 'b', 'repeat', 'a', 'c', 'endrepeat', 'else', 'd', 'endif', 'e']);
    // e up onto endif: last in the else branch
    const up = moveUnitTo(flow(), 9, 8);
    expect(names(up.actions)).toEqual(['a', 'if', 'b', 'repeat', 'c', 'endrepeat', 'else', 'd', 'e', 'endif']);
    expect(up.index).toBe(8);
    expect(treeRows(up.actions)[8].depth).toBe(1);
  });
  it('moves a block with everything in it, never into itself, and never a block end alone', async () => {
    const { moveUnitTo } = await import('./designer-tree');
    const down = moveUnitTo(flow(), 3, 7); // repeat block down onto d
    expect(names(down.actions)).toEqual(['a', 'if', 'b', 'else', 'd', 'repeat', 'c', 'endrepeat', 'endif', 'e']);
    expect(down.index).toBe(5);
    expect(names(moveUnitTo(flow(), 1, 4).actions)).toEqual(names(flow()));
    expect(names(moveUnitTo(flow(), 5, 0).actions)).toEqual(names(flow()));
    expect(moveUnitTo(flow(), 3, 7).actions.map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('flow steps', () => {
  it('read in words on the canvas', async () => {
    const { newFlowStep } = await import('./designer-tree');
    expect(rowLabel(newFlowStep('wait'))).toBe('wait 1 s');
    expect(rowLabel(newFlowStep('pause'))).toBe('pause: "Check the deck, then continue"');
    expect(rowLabel(newFlowStep('input'))).toBe('answer = input("Value to use") as float');
    expect(rowLabel(newFlowStep('variable'))).toBe('x = 0 (float)');
    expect(newFlowStep('wait')).toMatchObject({ instrument: 'wait', action: 'wait', args: { statement: 1 } });
  });
});
