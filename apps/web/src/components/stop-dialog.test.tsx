import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../testing/render';
import { StopDialog } from './stop-dialog';

describe('StopDialog', () => {
  it('stops after this iteration with cleanup and the queue by default', async () => {
    const onStop = vi.fn();
    renderUi(<StopDialog when="after-iteration" onClose={vi.fn()} onStop={onStop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Stop run' }));
    expect(onStop).toHaveBeenCalledWith({ when: 'after-iteration', cleanup: true, continueQueue: true });
  });

  it('maps the unticked boxes to cleanup: false and continueQueue: false', async () => {
    const onStop = vi.fn();
    renderUi(<StopDialog when="after-iteration" onClose={vi.fn()} onStop={onStop} />);
    await userEvent.click(await screen.findByLabelText('Run cleanup afterwards'));
    await userEvent.click(screen.getByLabelText('Start the next queued run afterwards'));
    await userEvent.click(screen.getByRole('button', { name: 'Stop run' }));
    expect(onStop).toHaveBeenCalledWith({ when: 'after-iteration', cleanup: false, continueQueue: false });
  });

  it('stopping now offers no cleanup', async () => {
    const onStop = vi.fn();
    renderUi(<StopDialog when="now" onClose={vi.fn()} onStop={onStop} />);
    expect(await screen.findByText(/cleanup are skipped/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Run cleanup afterwards')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Stop run' }));
    expect(onStop).toHaveBeenCalledWith({ when: 'now', continueQueue: true });
  });
});
