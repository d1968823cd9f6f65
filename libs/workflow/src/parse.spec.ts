import type { WorkflowAction } from '@ivoryos/contracts';
import type { IfNode, RepeatNode, WhileNode, WorkflowCallNode } from './model';
import { classifyAction, nestActions, parseWorkflow } from './parse';

const step = (id: number, uuid: number, instrument: string, action: string, extra: Partial<WorkflowAction> = {}): WorkflowAction => ({
  id, uuid, instrument, action, args: {}, ...extra,
});
const marker = (id: number, uuid: number, action: string): WorkflowAction => {
  const instrument = action.replace(/^end/, '') === 'else' ? 'if' : action.replace(/^end/, '');
  return step(id, uuid, instrument, action);
};

describe('nestActions (IvoryOS test_control_flow)', () => {
  it('nests if > repeat > dose and else > while > wait (case 34)', () => {
    const flat = [
      marker(1, 1, 'if'), marker(2, 2, 'repeat'), step(3, 3, 'deck.pump', 'dose'), marker(4, 2, 'endrepeat'),
      marker(5, 1, 'else'), marker(6, 4, 'while'), step(7, 5, 'wait', 'wait'), marker(8, 4, 'endwhile'), marker(9, 1, 'endif'),
    ];
    const { block, errors } = nestActions(flat, 'script');
    expect(errors).toEqual([]);
    expect(block!.nodes).toHaveLength(1);
    const ifNode = block!.nodes[0] as IfNode;
    expect(ifNode.kind).toBe('if');
    const repeat = ifNode.then.nodes[0] as RepeatNode;
    expect(repeat.action.action).toBe('repeat');
    expect(repeat.body.nodes[0].action.action).toBe('dose');
    const loop = ifNode.otherwise.nodes[0] as WhileNode;
    expect(loop.action.action).toBe('while');
    expect(loop.body.nodes[0].action.action).toBe('wait');
    expect(ifNode.elseAction?.id).toBe(5);
    expect(ifNode.endAction.id).toBe(9);
  });

  it.each<[string, WorkflowAction[], RegExp]>([
    ['a lone endif', [marker(1, 1, 'endif')], /Found 'endif' at position 1 .*without a matching opening statement/],
    ['endif closing a repeat', [marker(1, 1, 'repeat'), marker(2, 2, 'endif')], /expecting endrepeat for the repeat block with uuid 1/],
    ['if without endif', [marker(1, 1, 'if')], /Missing 'endif' for the if statement with uuid 1 starting at position 1/],
    ['repeat without endrepeat', [marker(1, 1, 'repeat')], /Missing 'endrepeat'/],
    ['while without endwhile', [marker(1, 1, 'while')], /Missing 'endwhile'/],
    ['endif of another uuid', [marker(1, 1, 'if'), marker(2, 2, 'endif')], /expecting else or endif for the if block with uuid 1/],
  ])('rejects %s (case 35)', (_name, flat, message) => {
    const { block, errors } = nestActions(flat, 'script');
    expect(block).toBeNull();
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
    expect(errors.every((e) => e.phase === 'script' && e.field === 'action')).toBe(true);
  });

  it('reports the spans each block consumes: if 5, repeat 3, while 3 (case 36)', () => {
    const flat = [
      marker(1, 1, 'if'), step(2, 2, 'deck.a', 'x'), marker(3, 1, 'else'), step(4, 3, 'deck.a', 'y'), marker(5, 1, 'endif'),
      marker(6, 4, 'repeat'), step(7, 5, 'deck.a', 'z'), marker(8, 4, 'endrepeat'),
      marker(9, 6, 'while'), step(10, 7, 'deck.a', 'w'), marker(11, 6, 'endwhile'),
    ];
    const { block } = nestActions(flat, 'script');
    expect(block!.nodes.map((n) => [n.kind, n.end - n.start + 1])).toEqual([['if', 5], ['repeat', 3], ['while', 3]]);
  });

  it('reports every structural problem with phase, step id and uuid, not only the first', () => {
    const flat = [marker(1, 7, 'endwhile'), marker(2, 8, 'if'), marker(3, 8, 'else'), marker(4, 8, 'else'), marker(5, 9, 'repeat')];
    const { errors } = nestActions(flat, 'cleanup');
    expect(errors.map((e) => [e.phase, e.stepId])).toEqual([['cleanup', 1], ['cleanup', 4], ['cleanup', 2], ['cleanup', 5]]);
    expect(errors[0].message).toContain('uuid 7');
    expect(errors[1].message).toContain("expecting endif for the if block with uuid 8");
  });

  it('gives blocks stable ids so checkpoints can point into them', () => {
    const flat = [step(1, 1, 'deck.a', 'x'), marker(2, 2, 'while'), marker(3, 3, 'if'), marker(4, 3, 'endif'), marker(5, 2, 'endwhile')];
    const result = parseWorkflow({ script_dict: { prep: [], script: flat, cleanup: [] } });
    expect([...result.workflow!.blocks.keys()].sort()).toEqual(
      ['cleanup', 'prep', 'script', 'script.1.body', 'script.2.else', 'script.2.then'].sort(),
    );
  });

  it('nests embedded workflows and locates their errors at the outer step', () => {
    const call = step(3, 9, 'workflows', 'child', { workflow: [step(1, 1, 'deck.a', 'x'), marker(2, 2, 'endif')] });
    const { errors } = nestActions([step(1, 1, 'deck.a', 'y'), step(2, 2, 'deck.a', 'z'), call], 'script');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ phase: 'script', stepId: 3, field: 'workflow[1].action' });
    const ok = nestActions([step(1, 9, 'workflows', 'child', { workflow: [step(1, 1, 'deck.a', 'x')] })], 'script');
    const node = ok.block!.nodes[0] as WorkflowCallNode;
    expect(node.kind).toBe('workflow');
    expect(node.body.id).toBe('script.0.workflow');
    expect(node.body.nodes[0].action.action).toBe('x');
  });

  it('marks a disabled opener as disabling its whole block', () => {
    const flat = [{ ...marker(1, 1, 'repeat'), disabled: true }, step(2, 2, 'deck.a', 'x'), marker(3, 1, 'endrepeat')];
    const { block } = nestActions(flat, 'script');
    expect(block!.nodes[0].disabled).toBe(true);
    expect(block!.nodes[0].end).toBe(2);
  });

  it('recognises markers by instrument and action, so a method named repeat is a method', () => {
    expect(classifyAction(step(1, 1, 'deck.robot', 'repeat'))).toBe('action');
    expect(classifyAction(step(1, 1, 'repeat', 'repeat'))).toBe('repeat');
    expect(classifyAction(step(1, 1, 'if', 'elif'))).toEqual({ invalid: "unknown if marker 'elif' (expected if, else, endif)" });
    expect(classifyAction(null)).toEqual({ invalid: 'an action must be an object' });
    expect(classifyAction({ instrument: 'deck.a' })).toEqual({ invalid: "'action' must be a non-empty string" });
    expect(classifyAction(step(1, 1, 'math_variable', 'x'))).toBe('math_variable');
    expect(classifyAction(step(1, 1, 'workflows', 'child'))).toBe('workflow');
  });

  it('reads missing phases as empty and rejects a phase that is not a list', () => {
    const ok = parseWorkflow({ script_dict: { script: [] } as never });
    expect(ok.errors).toEqual([]);
    const bad = parseWorkflow({ script_dict: { prep: 'x', script: [], cleanup: [] } as never });
    expect(bad.workflow).toBeNull();
    expect(bad.errors).toEqual([{ phase: 'prep', stepId: null, field: 'prep', message: 'script_dict.prep must be a list of actions' }]);
  });
});
