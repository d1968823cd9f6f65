import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { WorkflowAction } from '@ivoryos/contracts';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { hasPython3, PYTHON_DEMO_DECK, startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';

const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction =>
  ({ id, uuid: 2000 + id, instrument, action, args, return: '', ...extra }) as WorkflowAction;

/** IvoryOS 1.6.11's own introspection of the same deck file (captured outside this repository). */
const golden = JSON.parse(readFileSync(join(__dirname, '../../../deck-agent/src/python/fixtures/abstract_sdl_py.ivoryos-1.6.11.json'), 'utf8')) as {
  instruments: Record<string, Record<string, { params: { name: string; arg_type: unknown; choices?: string[] }[]; return_format: { arity?: number | null } }>>;
};

interface SchemaAnswer {
  schema: { hash: string; instruments: Record<string, { actions: Record<string, { params: { name: string; type: unknown; choices?: { name: string }[] }[]; returns: { arity?: number | null } }> }> };
}

(hasPython3() ? describe : describe.skip)('a Python (IvoryOS-style) deck end to end: gateway, agent, bridge', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let api: ReturnType<typeof request.agent>;

  const call = (path: string, body: Record<string, unknown> = {}) => api.post(`/api/decks/${agent.deck}/instruments/${path}`).send(body);
  const run = (id: string) => api.get(`/api/runs/${id}`).expect(200).then((r) => r.body);
  const until = (id: string, statuses: string[], ms = 45_000) =>
    waitFor(async () => {
      const r = await run(id);
      return statuses.includes(r.status) ? r : undefined;
    }, ms, `run ${id} to be ${statuses.join('/')}`);
  const bridgePids = () => [...agent.output().matchAll(/"pythonPid":(\d+)/g)].map((m) => Number(m[1]));
  const driverCalls = (what: string) => agent.calls().filter((l) => l.includes(` ${what} `));

  beforeAll(async () => {
    // IvoryOS's routes answer from the Python deck when another deck has the same instruments.
    const pyDeck = `t_py_${randomBytes(4).toString('hex')}`;
    gw = await startTestGateway({ IVORYOS_DEFAULT_DECK: pyDeck });
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    agent = startTestAgent({ redisUrl: gw.config.redisUrl, deckFile: PYTHON_DEMO_DECK, deck: pyDeck, env: { LOG_LEVEL: 'info' } });
    await waitOnline(gw.url, gw.adminToken, agent, 90_000);
  }, 150_000);

  afterAll(async () => {
    await agent.kill('SIGKILL');
    await gw.close();
  });

  it('comes online with the schema IvoryOS gives the same file: names, types, choices, tuple arity', async () => {
    const deck = (await api.get(`/api/decks/${agent.deck}`).expect(200)).body as SchemaAnswer;
    // Instrument and action order are IvoryOS's at the agent (the golden unit test checks it); PostgreSQL's jsonb keeps keys its own way.
    expect(Object.keys(deck.schema.instruments).sort()).toEqual(Object.keys(golden.instruments).sort());
    for (const [instrument, actions] of Object.entries(golden.instruments)) {
      for (const [name, want] of Object.entries(actions)) {
        const got = deck.schema.instruments[instrument].actions[name];
        expect([name, got.params.map((p) => [p.name, p.type, p.choices?.map((c) => c.name)])]).toEqual([name, want.params.map((p) => [p.name, p.arg_type, p.choices])]);
        expect([name, got.returns.arity]).toEqual([name, want.return_format.arity]);
      }
    }
    expect(Object.keys(deck.schema.instruments['deck.balance'].actions)).toEqual(expect.arrayContaining(['tare_offset', 'tare_offset_(setter)']));
  });

  it('answers direct calls with enum, optional, literal, list and tuple-return methods, properties and driver errors', async () => {
    expect((await call('deck.sdl/dose_solvent', { solvent_name: 'Ethanol', amount_in_ml: '2' }).expect(200)).body).toMatchObject({ success: true, output: 1 });
    expect((await call('deck.sdl/dose_solvent', {}).expect(200)).body).toMatchObject({ success: true, output: 1 });
    expect((await call('deck.sdl/set_mode', { mode: 'fast', repeats: '5' }).expect(200)).body).toMatchObject({ success: true, output: 'fast x5' });
    expect((await call('deck.sdl/load_samples', { sample_ids: ['a', 'b', 'c'], volumes: [1, 2.5, 3] }).expect(200)).body).toMatchObject({ success: true, output: 3 });
    expect((await call('deck.sdl/measure').expect(200)).body.output).toEqual([expect.any(Number), 25, 'ok']);
    expect((await call('deck.sdl/analyze', { param_1: '3', param_2: 4 }).expect(200)).body.output).toEqual(expect.any(Number));
    await call('deck.balance/tare_offset_(setter)', { value: '2.5' }).expect(200);
    expect((await call('deck.balance/tare_offset').expect(200)).body.output).toBe(2.5);
    expect((await call('deck.balance/weigh_sample').expect(200)).body.output).toBe(102.5);
    const failed = (await call('deck.sdl/always_fail').expect(200)).body;
    expect(failed).toMatchObject({ success: false, error: expect.stringMatching(/^RuntimeError: this step always fails\nTraceback \(most recent call last\):/) });
    expect(failed.error).toContain('abstract_sdl_py.py');

    const before = agent.calls().length;
    expect((await call('deck.sdl/set_mode', { mode: 'turbo' }).expect(400)).body.errors[0].path).toBe('mode');
    expect((await call('deck.sdl/dose_solvent', { solvent_name: 'Water' }).expect(400)).body.errors[0].path).toBe('solvent_name');
    expect(agent.calls().length).toBe(before);
    expect(driverCalls('dose_solvent').map((l) => l.split(' ').pop())).toEqual(['{"solvent_name":"Ethanol","amount_in_ml":2}', '{}']);
  });

  it("serves IvoryOS's compatibility route the generated proxy file uses", async () => {
    const res = await fetch(`${gw.url}/ivoryos/instruments/deck.sdl`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}` },
      body: JSON.stringify({ hidden_name: 'set_mode', mode: 'slow', hidden_wait: true }),
    });
    expect(await res.json()).toEqual({ success: true, output: 'slow x3' });

    // With the TypeScript demo online too (same instrument names), IVORYOS_DEFAULT_DECK picks the deck; ?deck= another.
    const ts = startTestAgent({ redisUrl: gw.config.redisUrl });
    try {
      await waitOnline(gw.url, gw.adminToken, ts);
      const noop = (query: string, x: number) => fetch(`${gw.url}/ivoryos/instruments/deck.bench${query}`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}` },
        body: JSON.stringify({ hidden_name: 'noop', x, hidden_wait: true }),
      }).then((r) => r.json());
      expect(await noop('', 41)).toEqual({ success: true, output: 41 });
      expect(await noop(`?deck=${ts.deck}`, 42)).toEqual({ success: true, output: 42 });
      expect(agent.calls().filter((l) => l.endsWith('bench noop {"x":41}'))).toHaveLength(1);
      expect(ts.calls().filter((l) => l.endsWith('bench noop {"x":42}'))).toHaveLength(1);
      expect(ts.calls().filter((l) => l.endsWith('bench noop {"x":41}'))).toHaveLength(0);
    } finally {
      await ts.kill('SIGKILL');
    }
  }, 90_000);

  it('runs a parameter table in batches of 2: enum and number parameters, a tuple return, print() in the run log', async () => {
    await api.post('/api/workflows').send({
      name: `py_table_${agent.deck}`, deck: agent.deck,
      script_dict: {
        prep: [act(1, 'deck.sdl', 'set_mode', { mode: 'standard' }, { return: 'mode' })],
        script: [
          act(1, 'deck.sdl', 'dose_solvent', { solvent_name: '#solvent', amount_in_ml: '#amount' }),
          act(2, 'deck.sdl', 'dose_solid', { amount_in_mg: '#amount' }),
          act(3, 'deck.sdl', 'measure', {}, { return: ['absorbance', 'temp', 'state'] }),
          act(4, 'deck.sdl', 'load_samples', { sample_ids: 'a,b', volumes: '[1, 2]' }, { batch_action: true, return: 'loaded' }),
        ],
        cleanup: [act(1, 'deck.balance', 'weigh_sample', {}, { return: 'final' })],
      },
    }).expect(201);
    const rows = [{ solvent: 'Methanol', amount: 1 }, { solvent: 'Ethanol', amount: '2' }, { solvent: 'Acetone', amount: 3 }];
    const loadsBefore = driverCalls('load_samples').length;
    const { body } = await api.post('/api/runs').send({ workflow: `py_table_${agent.deck}`, parameters: rows, batchSize: 2 }).expect(201);
    const done = await until(body.id, ['completed', 'failed', 'waiting']);
    expect(done.status).toBe('completed');
    expect(done.phases.map((p: { name: string }) => p.name)).toEqual(['prep', 'main', 'main', 'cleanup']);
    const results = (await api.get(`/api/runs/${body.id}/results`).expect(200)).body;
    expect(results.rows.map((r: Record<string, unknown>) => [r.sample, r.iteration, r.solvent, r.amount, r.temp, r.state, r.loaded])).toEqual([
      [1, 1, 'Methanol', 1, 25, 'ok', 2], [2, 1, 'Ethanol', 2, 25, 'ok', 2], [3, 2, 'Acetone', 3, 25, 'ok', 2],
    ]);
    // batch_action: once per batch, not once per sample
    expect(driverCalls('load_samples').length - loadsBefore).toBe(2);
    const log = (await api.get(`/api/runs/${body.id}/log`).expect(200)).text;
    expect(log).toMatch(/INFO dosing solid/);
    expect(log).toMatch(/\[abstract_sdl_py\] dosing Ethanol solvent/);
  });

  it('the Python child killed mid-step: the step is interrupted, the driver was called once, retry and skip continue the run', async () => {
    await api.post('/api/workflows').send({
      name: `py_kill_${agent.deck}`, deck: agent.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'equilibrate', { temp: 30, duration: '#duration' }), act(2, 'deck.bench', 'noop', { x: 7 }, { return: 'after' })], cleanup: [] },
    }).expect(201);
    for (const answer of ['retry', 'skip'] as const) {
      const equilibrateBefore = driverCalls('equilibrate').length;
      const pidsBefore = bridgePids();
      const { body } = await api.post('/api/runs').send({ workflow: `py_kill_${agent.deck}`, parameters: [{ duration: 6 }] }).expect(201);
      await waitFor(() => (driverCalls('equilibrate').length > equilibrateBefore ? true : undefined), 30_000, 'equilibrate to start');
      process.kill(pidsBefore[pidsBefore.length - 1], 'SIGKILL');
      const waiting = await until(body.id, ['waiting']);
      expect(waiting.waiting).toMatchObject({ kind: 'interrupted' });
      const steps = waiting.phases.find((p: { name: string }) => p.name === 'main').steps;
      expect(steps.map((s: { methodName: string; status: string }) => [s.methodName, s.status])).toEqual([['equilibrate', 'interrupted']]);
      expect(steps[0].error).toMatch(/^interrupted: the Python bridge exited \(signal SIGKILL\) during deck\.sdl\.equilibrate; outcome unknown/);
      // Never retried by itself: still one driver call, still waiting.
      await new Promise((r) => setTimeout(r, 1500));
      expect(driverCalls('equilibrate').length).toBe(equilibrateBefore + 1);
      expect((await run(body.id)).status).toBe('waiting');

      await api.post(`/api/runs/${body.id}/${answer}`).send({ promptId: waiting.waiting.promptId }).expect(202);
      const done = await waitFor(async () => {
        const r = await run(body.id);
        return r.status === 'completed' || r.status === 'failed' || (r.status === 'waiting' && r.waiting.promptId !== waiting.waiting.promptId) ? r : undefined;
      }, 60_000, `run ${body.id} to go on after ${answer}`);
      expect(done.status).toBe('completed');
      const rows = done.phases.find((p: { name: string }) => p.name === 'main').steps.map((s: { methodName: string; status: string; attempt: number }) => [s.methodName, s.status, s.attempt]);
      expect(rows).toEqual(answer === 'retry'
        ? [['equilibrate', 'interrupted', 1], ['equilibrate', 'completed', 2], ['noop', 'completed', 1]]
        : [['equilibrate', 'interrupted', 1], ['noop', 'completed', 1]]);
      expect(driverCalls('equilibrate').length).toBe(equilibrateBefore + (answer === 'retry' ? 2 : 1));
    }
    expect(new Set(bridgePids()).size).toBeGreaterThanOrEqual(2);
  }, 150_000);

  it('POST /api/decks/<deck>/restart (operator) cuts a hung call and gives the deck a new bridge', async () => {
    const pidsBefore = bridgePids();
    // supertest sends on then(): start the call now.
    const hung = call('deck.sdl/equilibrate?timeoutMs=60000', { temp: 20, duration: 45 }).then((r) => r);
    await waitFor(() => (agent.calls().some((l) => l.includes('equilibrate {"temp":20,"duration":45}')) ? true : undefined), 30_000, 'the long equilibrate to start');
    const restarted = (await api.post(`/api/decks/${agent.deck}/restart`).expect(202)).body;
    expect(restarted).toMatchObject({ deck: agent.deck, requested: true, commandId: expect.any(String) });
    const hungAnswer = await hung;
    expect(hungAnswer.status).toBe(200);
    const answer = hungAnswer.body;
    expect(answer).toMatchObject({ success: false, error: expect.stringContaining('interrupted') });
    await waitFor(() => (bridgePids().length > pidsBefore.length ? true : undefined), 60_000, 'a new bridge');
    expect((await call('deck.bench/noop', { x: 4 }).expect(200)).body).toMatchObject({ success: true, output: 4 });
    const audit = (await api.get(`/api/audit?kind=admin&deck=${agent.deck}`).expect(200)).body;
    expect(audit.items[0]).toMatchObject({ action: 'deck.restart', target: agent.deck, actor: 'admin' });

    await api.post('/api/decks/no_such_deck/restart').expect(404);
    const { body: viewer } = await api.post('/api/users').send({ username: `viewer_${agent.deck}`, password: 'a long passphrase 1', role: 'viewer' }).expect(201);
    expect(viewer.role).toBe('viewer');
    const login = await request(gw.url).post('/api/auth/login').send({ username: `viewer_${agent.deck}`, password: 'a long passphrase 1' });
    await request(gw.url).post(`/api/decks/${agent.deck}/restart`).auth(login.body.accessToken, { type: 'bearer' }).expect(403);
  }, 120_000);
});
