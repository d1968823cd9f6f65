import type { ActionSchema } from '@ivoryos/contracts';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUi } from '../testing/render';
import { MethodCard } from './method-card';

const action: ActionSchema = {
  name: 'dose',
  kind: 'method',
  async: true,
  doc: 'Dose liquid.',
  returns: { kind: 'scalar', types: ['float'], annotation: 'number' },
  params: [
    { name: 'amount_in_ml', type: 'float', required: true, doc: 'volume in mL' },
    { name: 'count', type: 'int', required: true },
    { name: 'speed', type: 'Literal:slow,fast', required: false, default: 'slow' },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('MethodCard', () => {
  it('marks every missing field at once and calls nothing', async () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    renderUi(<MethodCard deck="lab" instrument="deck.pump" action={action} canOperate online />);
    expect(screen.getByText(/volume in mL/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Run dose' }));
    expect(await screen.findAllByText('Required')).toHaveLength(2);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('sends typed arguments, with the default prefilled, and shows the result inline', async () => {
    const fetchSpy = vi.fn(async (_req: Request) =>
      new Response(JSON.stringify({ id: 'c0ffee00-0000-0000-0000-000000000000', success: true, output: 4.97, error: null, startedAt: null, endedAt: null }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
    );
    vi.stubGlobal('fetch', fetchSpy);
    renderUi(<MethodCard deck="lab" instrument="deck.pump" action={action} canOperate online />);
    await userEvent.type(screen.getByLabelText(/amount_in_ml/), '2.5');
    await userEvent.type(screen.getByLabelText(/^count/), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Run dose' }));
    expect(await screen.findByText('4.97')).toBeInTheDocument();
    const request = fetchSpy.mock.calls[0][0];
    expect(new URL(request.url).pathname).toBe('/api/decks/lab/instruments/deck.pump/dose');
    expect(await request.json()).toEqual({ amount_in_ml: 2.5, count: 3, speed: 'slow' });
  });

  it('shows no Run button to a viewer', () => {
    renderUi(<MethodCard deck="lab" instrument="deck.pump" action={action} canOperate={false} online />);
    expect(screen.queryByRole('button', { name: 'Run dose' })).toBeNull();
  });
});
