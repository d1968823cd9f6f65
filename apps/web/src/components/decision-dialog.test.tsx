import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../testing/render';
import { DecisionDialog, type DecisionHandlers } from './decision-dialog';

const since = '2026-01-01T10:00:00.000Z';
const handlers = (): DecisionHandlers => ({ retry: vi.fn(), skip: vi.fn(), resume: vi.fn(), input: vi.fn(), stopNow: vi.fn(), busy: false });

describe('DecisionDialog', () => {
  it('offers Retry step, Skip step, Stop now… and Decide later for a failed step, with the error', async () => {
    const h = handlers();
    const later = vi.fn();
    renderUi(<DecisionDialog opened onLater={later} handlers={h} waiting={{ promptId: 'p1', kind: 'error', message: 'ValueError: boom', since }} />);
    expect(await screen.findByText('ValueError: boom')).toBeInTheDocument();
    expect(screen.getByText('Step failed')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry step' }));
    await userEvent.click(screen.getByRole('button', { name: 'Skip step' }));
    await userEvent.click(screen.getByRole('button', { name: 'Stop now…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Decide later' }));
    expect(h.retry).toHaveBeenCalledTimes(1);
    expect(h.skip).toHaveBeenCalledTimes(1);
    expect(h.stopNow).toHaveBeenCalledTimes(1);
    expect(later).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
  });

  it('says plainly that an interrupted step may or may not have run, and offers Retry step and Skip step', async () => {
    renderUi(<DecisionDialog opened onLater={vi.fn()} handlers={handlers()} waiting={{ promptId: 'p2', kind: 'interrupted', message: 'agent lost', since }} />);
    expect(await screen.findByText(/may or may not have run/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry step' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Skip step' })).toBeInTheDocument();
  });

  it('offers Resume (not Retry) for a pause step', async () => {
    const h = handlers();
    renderUi(<DecisionDialog opened onLater={vi.fn()} handlers={h} waiting={{ promptId: 'p3', kind: 'pause', message: 'Refill the vial', since }} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Resume' }));
    expect(h.resume).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Retry step' })).toBeNull();
  });

  it('converts an input answer to the declared type, and refuses text for a number', async () => {
    const h = handlers();
    renderUi(<DecisionDialog opened onLater={vi.fn()} handlers={h} waiting={{ promptId: 'p4', kind: 'input', message: 'Mass in mg', inputType: 'float', since }} />);
    const field = await screen.findByLabelText('Mass in mg');
    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(h.input).not.toHaveBeenCalled();
    expect(await screen.findByText(/required/)).toBeInTheDocument();
    await userEvent.type(field, '12.5');
    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(h.input).toHaveBeenCalledWith(12.5);
  });
});
