import type { WorkflowAction } from '@ivoryos/contracts';
import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../testing/render';
import { StepTree } from './step-tree';

const marker = (instrument: string, action: string, args: Record<string, unknown> = {}): WorkflowAction => ({ id: 0, uuid: 7, instrument, action, args: args as never, return: '' });
const actions: WorkflowAction[] = ([
  marker('repeat', 'repeat', { statement: 2 }),
  { id: 0, uuid: 1, instrument: 'deck.sdl', action: 'analyze', args: { param_1: 1 }, return: '' },
  marker('repeat', 'endrepeat'),
  { id: 0, uuid: 2, instrument: 'wait', action: 'wait', args: { statement: 3 }, return: '' },
] as WorkflowAction[]).map((a, i) => ({ ...a, id: i + 1 }));

describe('StepTree', () => {
  it('shows a block end as the end of the rail, not as a line, and numbers lines without it', () => {
    renderUi(<StepTree label="Script steps" actions={actions} selected={-1} problems={new Map()} onSelect={vi.fn()} onDrop={vi.fn()} />);
    const rows = screen.getAllByRole('treeitem');
    expect(rows.map((r) => r.getAttribute('aria-level'))).toEqual(['1', '2', '1']);
    expect(rows.map((r) => r.textContent?.replace('⠿', ''))).toEqual(['1repeat 2 times', '2sdl.analyze(param_1=1)', '3wait 3 s']);
    expect(screen.getAllByRole('button', { name: /^Drag line/ })).toHaveLength(3);
  });

  it('offers no drag handles when it cannot be changed', () => {
    renderUi(<StepTree label="Script steps" actions={actions} selected={0} problems={new Map()} onSelect={vi.fn()} />);
    expect(screen.queryAllByRole('button', { name: /^Drag/ })).toHaveLength(0);
  });
});
