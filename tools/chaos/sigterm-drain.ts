/* Chaos 7: SIGTERM to the gateway while a slow direct call (`equilibrate` for 2 s) is in flight. The
   gateway drains: the call still gets its answer (and its record), then the process exits 0. */
import { Scenario, waitFor } from './lib/scenario';
import { startStack } from './lib/setup';
import { sql } from './lib/stack';
import type { Answer } from './lib/api';

const HOLD_S = 2;

void new Scenario('SIGTERM to the gateway drains an in-flight call', 300_000).run(async (s) => {
  const { api, agent, deck, gateways, dbUrl } = await startStack(s, { name: 'sigterm' });
  const [gw] = gateways;
  const t0 = Date.now();
  const pending: Promise<Answer<{ success?: boolean; id?: string }>> = api.post(`/api/decks/${deck}/instruments/deck.sdl/equilibrate`, { temp: 25, duration: HOLD_S }, 20_000);
  pending.catch(() => undefined);
  await waitFor('the driver to be inside equilibrate (call log)', () => agent.calls().some((c) => c.method === 'equilibrate'), 10_000, 10);
  gw.signal('SIGTERM');
  const termAt = Date.now();
  s.log(`SIGTERM sent ${((termAt - t0) / 1000).toFixed(1)} s into the call`);

  let res: Answer<{ success?: boolean; id?: string }> | undefined;
  let error = '';
  try {
    res = await pending;
  } catch (err) {
    error = err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ''}` : String(err);
  }
  s.check(`the in-flight call got its answer: ${res ? `${res.status}, success ${res.body.success}` : error}`, res?.status === 200 && res.body.success === true, res ? JSON.stringify(res.body).slice(0, 200) : error);
  s.check(`the answer came after the driver call ended (${((Date.now() - t0) / 1000).toFixed(1)} s after it was sent)`, Date.now() - t0 >= HOLD_S * 1000 - 100);
  const exit = await Promise.race([gw.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
  s.check(`the gateway exited 0 after draining (code ${exit?.code}, signal ${exit?.signal}, ${((Date.now() - termAt) / 1000).toFixed(1)} s after SIGTERM)`, exit?.code === 0, JSON.stringify(exit));
  if (res?.body.id) {
    const [row] = await sql<{ status: string }>(dbUrl, 'select status from single_step where id = $1', [res.body.id]);
    s.check(`the call's record is committed (single_step ${row?.status})`, row?.status === 'completed');
  }
  s.check('the driver ran the call once', agent.calls().filter((c) => c.method === 'equilibrate').length === 1);
});
