import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import type { WorkflowAction } from '@ivoryos/contracts';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';

const BENCH_DECK = join(__dirname, '..', '..', '..', '..', 'examples', 'decks', 'benchmarks.ts');

const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction =>
  ({ id, uuid: 1000 + id, instrument, action, args, return: '', ...extra }) as WorkflowAction;

/** prep, an if/else on a run parameter, a repeat, a tuple return and cleanup. */
function flowWorkflow(name: string, deck: string) {
  return {
    name,
    deck,
    script_dict: {
      prep: [act(1, 'deck.sdl', 'dose_solid', { amount_in_mg: 5 })],
      script: [
        act(1, 'deck.bench', 'noop', { x: '#amount' }, { return: 'echo' }),
        act(2, 'math_variable', 'double', { statement: '#amount * 2' }, { arg_types: { statement: 'float' } }),
        act(3, 'if', 'if', { statement: '#amount > 6' }, { uuid: 300 }),
        act(4, 'deck.bench', 'noop', { x: 1 }, { return: 'branch' }),
        act(5, 'if', 'else', {}, { uuid: 300 }),
        act(6, 'deck.bench', 'noop', { x: 0 }, { return: 'branch' }),
        act(7, 'if', 'endif', {}, { uuid: 300 }),
        act(8, 'repeat', 'repeat', { statement: 2 }, { uuid: 800, arg_types: { statement: 'int' } }),
        act(9, 'deck.bench', 'noop', { x: '#double' }, { return: 'rep' }),
        act(10, 'repeat', 'endrepeat', {}, { uuid: 800 }),
        act(11, 'deck.sdl', 'measure', {}, { return: ['absorbance', 'temp', 'state'] }),
      ],
      cleanup: [act(1, 'deck.balance', 'weigh_sample', {}, { return: 'final' })],
    },
  };
}

const ROWS = [{ amount: 5 }, { amount: '7' }, { amount: 9 }];
const expectedRow = (amount: number) => ({ amount, echo: amount, double: amount * 2, branch: amount > 6 ? 1 : 0, rep: amount * 2, temp: 25, state: 'ok' });

describe('runs end to end: queue per deck, execution on the agent, records back', () => {
  let gw: TestGateway;
  let a: TestAgent;
  let b: TestAgent;
  /** The benchmark deck (Branin, Hartmann6), for optimizer campaigns. */
  let c: TestAgent;
  let api: ReturnType<typeof request.agent>;

  const run = (id: string) => api.get(`/api/runs/${id}`).expect(200).then((r) => r.body);
  const until = (id: string, statuses: string[], ms = 30_000) =>
    waitFor(async () => {
      const r = await run(id);
      return statuses.includes(r.status) ? r : undefined;
    }, ms, `run ${id} to be ${statuses.join('/')}`);
  const submit = (body: Record<string, unknown>) => api.post('/api/runs').send(body);

  beforeAll(async () => {
    gw = await startTestGateway();
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    a = startTestAgent({ redisUrl: gw.config.redisUrl });
    // The second deck's agent signs in with its own deck token, as a production agent does.
    const deckB = `t_${randomBytes(4).toString('hex')}`;
    const { body: credential } = await api.post(`/api/decks/${deckB}/token`).expect(201);
    b = startTestAgent({ redisUrl: gw.config.redisUrl, deck: deckB, env: { IVORYOS_DECK_TOKEN: credential.token, LOG_LEVEL: 'info' } });
    c = startTestAgent({ redisUrl: gw.config.redisUrl, deckFile: BENCH_DECK });
    for (const agent of [a, b]) {
      await waitOnline(gw.url, gw.adminToken, agent);
      await api.post('/api/workflows').send(flowWorkflow(`flow_${agent.deck}`, agent.deck)).expect(201);
    }
    await waitOnline(gw.url, gw.adminToken, c);
  }, 150_000);

  afterAll(async () => {
    await Promise.all([a.kill('SIGKILL'), b.kill('SIGKILL'), c.kill('SIGKILL')]);
    await gw.close();
  });

  it('runs prep, if/else, repeat, a tuple return and cleanup over a 3-row table, and records what it computed', async () => {
    const { body } = await submit({ workflow: `flow_${a.deck}`, parameters: ROWS }).expect(201);
    expect(body).toMatchObject({ status: 'queued', position: expect.any(Number) });
    const done = await until(body.id, ['completed', 'failed', 'waiting']);
    expect(done.status).toBe('completed');
    expect(done.phases.map((p: { name: string; repeatIndex: number }) => `${p.name}#${p.repeatIndex}`)).toEqual(['prep#1', 'main#1', 'main#2', 'main#3', 'cleanup#1']);
    const main2 = done.phases[2];
    expect(main2.steps.map((s: { methodName: string }) => s.methodName)).toEqual(['noop', 'noop', 'noop', 'noop', 'measure']);
    expect(main2.steps.every((s: { status: string; attempt: number }) => s.status === 'completed' && s.attempt === 1)).toBe(true);
    expect(main2.steps[4].output).toEqual([expect.any(Number), 25, 'ok']);
    const results = (await api.get(`/api/runs/${body.id}/results`).expect(200)).body;
    expect(results.columns.slice(0, 3)).toEqual(['sample', 'iteration', 'amount']);
    expect(results.rows.map((r: Record<string, unknown>) => ({ ...r, absorbance: undefined }))).toEqual(
      [5, 7, 9].map((amount, i) => ({ sample: i + 1, iteration: i + 1, ...expectedRow(amount), absorbance: undefined })),
    );
    // the driver ran each step once: prep 1 dose_solid, 3 × (1 + 1 + 2) noop, 3 measure, 1 weigh
    expect(a.calls().filter((l) => l.includes(' bench noop '))).toHaveLength(12);
    expect(a.calls().filter((l) => l.includes(' sdl measure '))).toHaveLength(3);
  });

  it('runs the same table in batches of 2: one main phase per batch, one result row per sample', async () => {
    const { body } = await submit({ workflow: `flow_${a.deck}`, parameters: ROWS, batchSize: 2 }).expect(201);
    const done = await until(body.id, ['completed', 'failed', 'waiting']);
    expect(done.status).toBe('completed');
    expect(done.phases.filter((p: { name: string }) => p.name === 'main')).toHaveLength(2);
    const results = (await api.get(`/api/runs/${body.id}/results`).expect(200)).body;
    expect(results.rows.map((r: Record<string, unknown>) => [r.sample, r.iteration, r.amount, r.branch, r.rep])).toEqual([
      [1, 1, 5, 0, 10], [2, 1, 7, 1, 14], [3, 2, 9, 1, 18],
    ]);
  });

  it('runs two decks in parallel while a third run waits in the queue', async () => {
    expect(b.output()).toContain(`"redisUser":"deck_${b.deck} (token from settings)"`);
    await api.post('/api/workflows').send({
      name: `slow_${a.deck}`, deck: a.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'equilibrate', { temp: 25, duration: 1 })], cleanup: [] },
    }).expect(201);
    await api.post('/api/workflows').send({
      name: `slow_${b.deck}`, deck: b.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'equilibrate', { temp: 25, duration: 1 })], cleanup: [] },
    }).expect(201);
    const first = (await submit({ workflow: `slow_${a.deck}` }).expect(201)).body;
    const other = (await submit({ workflow: `slow_${b.deck}` }).expect(201)).body;
    const third = (await submit({ workflow: `slow_${a.deck}`, name: 'third' }).expect(201)).body;
    await until(first.id, ['running']);
    await until(other.id, ['running']);
    const queue = (await api.get(`/api/decks/${a.deck}/queue`).expect(200)).body;
    expect(queue.running).toMatchObject({ id: first.id });
    expect(queue.items.map((i: { id: string }) => i.id)).toEqual([third.id]);
    expect((await run(third.id)).status).toBe('queued');
    await until(first.id, ['completed']);
    await until(other.id, ['completed']);
    await until(third.id, ['completed']);
  }, 40_000);

  it('makes simulate_error wait; retry twice clears it with one step row per attempt; skip moves on', async () => {
    await api.post('/api/workflows').send({
      name: `err_${b.deck}`, deck: b.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'simulate_error'), act(2, 'deck.bench', 'noop', { x: 3 }, { return: 'after' })], cleanup: [] },
    }).expect(201);
    const { body } = await submit({ workflow: `err_${b.deck}`, repeat: 2 }).expect(201);
    let waiting = await until(body.id, ['waiting']);
    expect(waiting.waiting).toMatchObject({ kind: 'error', promptId: expect.any(String) });
    expect((await api.get('/api/attention').expect(200)).body.items.map((r: { id: string }) => r.id)).toContain(body.id);
    await api.post(`/api/runs/${body.id}/retry`).send({ promptId: waiting.waiting.promptId }).expect(202);
    waiting = await waitFor(async () => {
      const r = await run(body.id);
      return r.status === 'waiting' && r.waiting.promptId !== waiting.waiting.promptId ? r : undefined;
    }, 15_000, 'the second failure');
    const stale = await api.post(`/api/runs/${body.id}/retry`).send({ promptId: 'not-the-prompt' }).expect(409);
    expect(stale.body.errors[0].path).toBe('promptId');
    await api.post(`/api/runs/${body.id}/retry`).send({}).expect(202);
    // iteration 2: simulate_error fails on its 4th call; skip it
    waiting = await waitFor(async () => {
      const r = await run(body.id);
      return r.status === 'waiting' && r.phases.filter((p: { name: string }) => p.name === 'main').length === 2 ? r : undefined;
    }, 15_000, 'the failure in iteration 2');
    await api.post(`/api/runs/${body.id}/skip`).send({}).expect(202);
    const done = await until(body.id, ['completed']);
    const main = done.phases.filter((p: { name: string }) => p.name === 'main');
    const attempts = main[0].steps.filter((s: { methodName: string }) => s.methodName === 'simulate_error');
    expect(attempts.map((s: { attempt: number; status: string }) => [s.attempt, s.status])).toEqual([[1, 'failed'], [2, 'failed'], [3, 'completed']]);
    expect(main[1].steps.map((s: { methodName: string; status: string }) => [s.methodName, s.status])).toEqual([['simulate_error', 'failed'], ['noop', 'completed']]);
    expect(b.calls().filter((l) => l.includes('simulate_error'))).toHaveLength(4);
    await api.post(`/api/runs/${body.id}/retry`).send({}).expect(409);
  }, 40_000);

  it('pauses at a step boundary and resumes; input steps take typed values', async () => {
    await api.post('/api/workflows').send({
      name: `pause_${a.deck}`, deck: a.deck,
      script_dict: {
        prep: [], cleanup: [],
        script: [
          act(1, 'deck.sdl', 'equilibrate', { temp: 20, duration: 0.5 }),
          act(2, 'input', 'count', { statement: 'How many vials?' }, { arg_types: { statement: 'int' }, return: 'count' }),
          act(3, 'deck.bench', 'noop', { x: '#count' }, { return: 'echo' }),
        ],
      },
    }).expect(201);
    const { body } = await submit({ workflow: `pause_${a.deck}` }).expect(201);
    await until(body.id, ['running']);
    const paused = await api.post(`/api/runs/${body.id}/pause`).send({}).expect(202);
    expect(paused.body.type).toBe('pause');
    await until(body.id, ['paused']);
    await api.post(`/api/runs/${body.id}/pause`).send({}).expect(409);
    await api.post(`/api/runs/${body.id}/resume`).send({}).expect(202);
    const prompt = await until(body.id, ['waiting']);
    expect(prompt.waiting).toMatchObject({ kind: 'input', inputType: 'int', message: 'How many vials?' });
    expect((await api.post(`/api/runs/${body.id}/input`).send({ value: 'many' }).expect(400)).body.errors[0].path).toBe('value');
    await api.post(`/api/runs/${body.id}/input`).send({ value: '4', promptId: prompt.waiting.promptId }).expect(202);
    const done = await until(body.id, ['completed']);
    expect(done.phases.find((p: { name: string }) => p.name === 'main').outputs).toEqual([{ count: 4, echo: 4 }]);
  }, 30_000);

  it('stops after the iteration with cleanup, or now without it (safe_state), continuing the queue either way', async () => {
    const loop = {
      deck: b.deck, script_dict: {
        prep: [], script: [act(1, 'deck.sdl', 'equilibrate', { temp: 20, duration: 0.3 })],
        cleanup: [act(1, 'deck.balance', 'weigh_sample', {}, { return: 'final' })],
      },
    };
    await api.post('/api/workflows').send({ name: `loop_${b.deck}`, ...loop }).expect(201);
    const after = (await submit({ workflow: `loop_${b.deck}`, repeat: 50 }).expect(201)).body;
    const next = (await submit({ workflow: `loop_${b.deck}`, repeat: 1, name: 'next in queue' }).expect(201)).body;
    await until(after.id, ['running']);
    await api.post(`/api/runs/${after.id}/stop`).send({ when: 'after-iteration' }).expect(202);
    const stopped = await until(after.id, ['stopped', 'completed', 'failed']);
    expect(stopped.status).toBe('stopped');
    expect(stopped.phases.at(-1).name).toBe('cleanup');
    expect(stopped.phases.filter((p: { name: string }) => p.name === 'main').length).toBeLessThan(50);
    await until(next.id, ['completed']);

    const now = (await submit({ workflow: `loop_${b.deck}`, repeat: 50 }).expect(201)).body;
    await until(now.id, ['running']);
    const before = b.calls().filter((l) => l.includes('safe_state')).length;
    await api.post(`/api/runs/${now.id}/stop`).send({ when: 'now', cleanup: true }).expect(400);
    await api.post(`/api/runs/${now.id}/stop`).send({ when: 'now' }).expect(202);
    const ended = await until(now.id, ['stopped', 'completed', 'failed']);
    expect(ended.status).toBe('stopped');
    expect(ended.phases.some((p: { name: string }) => p.name === 'cleanup')).toBe(false);
    await waitFor(() => (b.calls().filter((l) => l.includes('safe_state')).length === before + 1 ? true : undefined), 5000, 'safe_state');
  }, 40_000);

  it('runs a night of failing steps unattended with onError skip', async () => {
    await api.post('/api/workflows').send({
      name: `night_${a.deck}`, deck: a.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'always_fail'), act(2, 'deck.bench', 'noop', { x: 2 }, { return: 'ok' })], cleanup: [] },
    }).expect(201);
    const { body } = await submit({ workflow: `night_${a.deck}`, repeat: 20, onError: 'skip' }).expect(201);
    const done = await until(body.id, ['completed', 'waiting', 'failed']);
    expect(done.status).toBe('completed');
    const main = done.phases.filter((p: { name: string }) => p.name === 'main');
    expect(main).toHaveLength(20);
    expect(main.every((p: { steps: { status: string }[] }) => p.steps[0].status === 'failed' && p.steps[1].status === 'completed')).toBe(true);
  }, 30_000);

  it('refuses runs that cannot run: every schema problem at once, wrong run modes and bad rows', async () => {
    await api.post('/api/workflows').send({
      name: `bad_${a.deck}`, deck: a.deck,
      script_dict: { prep: [], script: [act(1, 'deck.sdl', 'analyze', { param_1: 'x' }), act(2, 'deck.nope', 'go')], cleanup: [] },
    }).expect(201);
    const bad = await submit({ workflow: `bad_${a.deck}` }).expect(400);
    expect(bad.body.errors.length).toBeGreaterThanOrEqual(2);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining([expect.stringMatching(/^workflow\.script\[1\]/), expect.stringMatching(/^workflow\.script\[2\]/)]));
    expect((await submit({ workflow: `flow_${a.deck}`, repeat: 3 }).expect(400)).body.errors[0].path).toBe('repeat');
    expect((await submit({ workflow: `flow_${a.deck}` }).expect(400)).body.errors[0].path).toBe('parameters');
    expect((await submit({ workflow: `flow_${a.deck}`, parameters: [{ amount: 1 }, { amount: 'lots' }] }).expect(400)).body.errors[0].path).toBe('parameters[1].amount');
    expect((await submit({ workflow: `slow_${a.deck}`, parameters: [{ x: 1 }] }).expect(400)).body.errors[0].path).toBe('parameters');
    expect((await submit({ workflow: 'nope' }).expect(404)).body.errors[0].path).toBe('workflow');
    expect((await submit({ workflow: `flow_${a.deck}`, batchSize: 0, parameters: ROWS }).expect(400)).body.errors[0].path).toBe('batchSize');
  });

  it('takes an IvoryOS config CSV as multipart, and returns the same run for a repeated Idempotency-Key', async () => {
    const csv = 'amount\nfloat\n5\n7\n';
    const first = await api.post('/api/runs').set('Idempotency-Key', 'csv-1').field('workflow', `flow_${a.deck}`).attach('file', Buffer.from(csv), 'config.csv').expect(201);
    const again = await api.post('/api/runs').set('Idempotency-Key', 'csv-1').field('workflow', `flow_${a.deck}`).attach('file', Buffer.from(csv), 'config.csv').expect(201);
    expect(again.body.id).toBe(first.body.id);
    const done = await until(first.body.id, ['completed']);
    expect(done.phases.filter((p: { name: string }) => p.name === 'main').map((p: { parameters: unknown }) => p.parameters)).toEqual([[{ amount: 5 }], [{ amount: 7 }]]);
    const bad = await api.post('/api/runs').field('workflow', `flow_${a.deck}`).attach('file', Buffer.from('amount\nfloat\nlots\n'), 'config.csv').expect(400);
    expect(bad.body.errors[0].path).toBe('file.rows[0].amount');
  });

  describe('optimizer campaigns (run mode optimizer)', () => {
    const branin = () => ({
      name: `branin_${c.deck}`, deck: c.deck,
      script_dict: {
        prep: [], cleanup: [],
        script: [act(1, 'deck.bench_functions', 'branin', { x1: '#x1', x2: '#x2' }, { return: 'y', arg_types: { x1: 'float', x2: 'float' } })],
      },
    });
    const campaign = (over: Record<string, unknown> = {}) => ({
      objectives: [{ output: 'y', direction: 'min' }],
      parameters: { x1: { min: -5, max: 10 }, x2: { min: 0, max: 15 } },
      budget: 30, initial: 5, seed: 3, noise: 'deterministic', ...over,
    });
    let firstRun = '';

    it('runs a 30-trial Branin campaign to a best <= 0.45 and records every trial', async () => {
      await api.post('/api/workflows').send(branin()).expect(201);
      const { body } = await submit({ workflow: `branin_${c.deck}`, optimizer: campaign() }).expect(201);
      firstRun = body.id;
      const done = await until(body.id, ['completed', 'failed', 'waiting', 'stopped'], 120_000);
      expect(done).toMatchObject({ status: 'completed', mode: 'optimizer', batchSize: 1 });
      const trials = (await api.get(`/api/runs/${body.id}/trials`).expect(200)).body;
      expect(trials.items).toHaveLength(30);
      expect(trials.items.map((t: { index: number }) => t.index)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(trials.items.map((t: { suggestedBy: string }) => t.suggestedBy)).toEqual([...Array(5).fill('initial'), ...Array(25).fill('model')]);
      expect(trials.items.every((t: { status: string }) => t.status === 'completed')).toBe(true);
      const model = trials.items[10];
      expect(model).toMatchObject({ acquisition: expect.any(Number), fitMs: expect.any(Number), parameters: { x1: expect.any(Number), x2: expect.any(Number) } });
      const bests = trials.items.map((t: { bestSoFar: number }) => t.bestSoFar);
      expect(bests).toEqual([...bests].sort((x, y) => y - x));
      // the driver computed each trial once, with the trial's parameters
      const calls = c.calls().filter((l) => l.includes(' bench_functions branin '));
      expect(calls).toHaveLength(30);
      expect(calls[10]).toContain(JSON.stringify({ x1: model.parameters.x1, x2: model.parameters.x2 }));
      expect(trials.best.outputs.y).toBeLessThanOrEqual(0.45);
      expect(trials.best.outputs.y).toBe(bests[29]);
      const results = (await api.get(`/api/runs/${body.id}/results`).expect(200)).body;
      expect(results.columns.slice(0, 7)).toEqual(['sample', 'iteration', 'x1', 'x2', 'suggestedBy', 'acquisition', 'fitMs']);
      expect(results.rows).toHaveLength(30);
      process.stdout.write(`Branin through the API: best ${trials.best.outputs.y} at trial ${trials.best.index} of 30\n`);
    }, 150_000);

    it('seeds a campaign from an earlier run: its trials count as the initial design', async () => {
      const { body } = await submit({ workflow: `branin_${c.deck}`, optimizer: campaign({ budget: 2, initial: undefined, seedFrom: [firstRun] }) }).expect(201);
      expect((await until(body.id, ['completed', 'failed', 'waiting', 'stopped'], 60_000)).status).toBe('completed');
      const trials = (await api.get(`/api/runs/${body.id}/trials`).expect(200)).body;
      expect(trials.items.map((t: { suggestedBy: string }) => t.suggestedBy)).toEqual(['model', 'model']);
    }, 90_000);

    it("takes an operator's trial while paused: it runs, recorded as the operator's, and counts towards the budget", async () => {
      await api.post('/api/workflows').send({
        name: `branin_slow_${c.deck}`, deck: c.deck,
        script_dict: {
          prep: [], cleanup: [],
          script: [...branin().script_dict.script, act(2, 'wait', 'wait', { statement: 0.3 }, { arg_types: { statement: 'float' } })],
        },
      }).expect(201);
      const { body } = await submit({ workflow: `branin_slow_${c.deck}`, optimizer: campaign({ budget: 5, initial: 2 }) }).expect(201);
      await until(body.id, ['running']);
      await api.post(`/api/runs/${body.id}/pause`).expect(202);
      await until(body.id, ['paused']);
      const bad = await api.post(`/api/runs/${body.id}/trials`).send({ parameters: { x1: 20, x2: 1, x3: 0 } }).expect(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['parameters.x3', 'parameters.x1']);
      const added = await api.post(`/api/runs/${body.id}/trials`).send({ parameters: { x1: 3.14, x2: '2.27' } }).expect(201);
      expect(added.body).toMatchObject({ parameters: { x1: 3.14, x2: 2.27 }, suggestedBy: 'operator', status: 'pending', answered: true });
      await api.post(`/api/runs/${body.id}/resume`).send({}).expect(202);
      expect((await until(body.id, ['completed', 'failed', 'waiting', 'stopped'], 60_000)).status).toBe('completed');
      const trials = (await api.get(`/api/runs/${body.id}/trials`).expect(200)).body;
      expect(trials.items).toHaveLength(5);
      const operator = trials.items.filter((t: { suggestedBy: string }) => t.suggestedBy === 'operator');
      expect(operator).toEqual([expect.objectContaining({ parameters: { x1: 3.14, x2: 2.27 }, status: 'completed' })]);
      expect(c.calls().some((l) => l.includes(' bench_functions branin {"x1":3.14,"x2":2.27}'))).toBe(true);
      await api.post(`/api/runs/${body.id}/trials`).send({ parameters: { x1: 1, x2: 1 } }).expect(409);
    }, 90_000);

    it('refuses bad campaigns with every problem by field path, and has no trials for other runs', async () => {
      const bad = await submit({
        workflow: `branin_${c.deck}`,
        optimizer: { ...campaign(), objectives: [{ output: 'yield', direction: 'min' }], budget: 0, parameters: { x1: { min: 10, max: -5 }, x2: { min: 0, max: 15 }, z: { min: 0, max: 1 } } },
      }).expect(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining([
        'optimizer.objectives[0].output', 'optimizer.budget', 'optimizer.parameters.z', expect.stringMatching(/^optimizer\.parameters\.x1/),
      ]));
      const paths = async (body: Record<string, unknown>) => (await submit({ workflow: `branin_${c.deck}`, ...body }).expect(400)).body.errors.map((e: { path: string }) => e.path);
      expect(await paths({ optimizer: campaign({ seedFrom: ['00000000-0000-4000-8000-000000000000'] }) })).toEqual(['optimizer.seedFrom[0]']);
      expect(await paths({ optimizer: campaign({ seedFrom: [{ csv: 'missing.csv' }] }) })).toEqual(['optimizer.seedFrom[0].csv']);
      expect(await paths({ optimizer: campaign(), parameters: [{ x1: 1, x2: 2 }] })).toEqual(['parameters']);
      expect(await paths({ optimizer: campaign({ earlyStop: { patience: 0 } }) })).toEqual(['optimizer.earlyStop.patience', 'optimizer.earlyStop.minImprovement']);
      expect(await paths({ optimizer: 'lots' })).toEqual(['optimizer']);
      const plain = (await submit({ workflow: `flow_${a.deck}`, parameters: ROWS }).expect(201)).body;
      await api.get(`/api/runs/${plain.id}/trials`).expect(404);
    });
  });
});
