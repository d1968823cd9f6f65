import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';
import { shapeMismatches } from './testing/ivoryos-shapes';

type Json = Record<string, unknown>;

/**
 * The requests IvoryOS's Python client (`ivoryos_client.IvoryosClient`) makes, in the order of its
 * abstract_sdl example script, then pause/resume, both aborts, submit_python and the listing.
 * Every JSON answer is checked against the shape IvoryOS 1.6.11 answered the same request with
 * (recorded from IvoryOS itself: fixtures/ivoryos-1.6.11-shapes.json).
 */
describe('IvoryOS client flow', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let cookie = '';

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json & Json[] }> => {
    const res = await fetch(`${gw.url}${path}`, {
      method, redirect: 'manual',
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Json & Json[] };
  };
  /** A request, its status, and its answer's shape against IvoryOS's answer to the same route. */
  const expectIvoryos = async (method: string, path: string, route: string, body?: unknown, status = 200) => {
    const res = await call(method, `/ivoryos${path}`, body);
    expect({ path, status: res.status }).toEqual({ path, status });
    expect({ route, mismatches: shapeMismatches(`${method} ${route} ${status}`, res.json) }).toEqual({ route, mismatches: [] });
    return res.json;
  };
  const status = () => expectIvoryos('GET', '/executions/status', '/executions/status');
  const idle = () => waitFor(async () => ((await status()).busy === false ? true : undefined), 30_000, 'the deck to be idle');
  const record = (id: number) => expectIvoryos('GET', `/executions/records/${id}`, '/executions/records/<id>');

  beforeAll(async () => {
    gw = await startTestGateway();
    // Each simulated call takes 100 ms, so a run lasts long enough to pause and abort it.
    agent = startTestAgent({ redisUrl: gw.config.redisUrl, env: { IVORYOS_SIM_DELAY_MS: '100' } });
    await waitOnline(gw.url, gw.adminToken, agent);
    // The workflow the example script loads (its users import it through the UI first).
    const wf = {
      name: 'example_workflow', deck: agent.deck, status: 'editing', author: 'admin',
      script_dict: {
        prep: [],
        script: [
          { id: 1, uuid: 11, instrument: 'wait', action: 'wait', args: { statement: 0.05 }, arg_types: { statement: 'float' }, return: '' },
          { id: 2, uuid: 12, instrument: 'deck.sdl', action: 'analyze', args: { param_1: '#param_1', param_2: '#param_2' }, arg_types: { param_1: 'int', param_2: 'int' }, return: 'analyze_result' },
          { id: 3, uuid: 13, instrument: 'comment', action: 'comment', args: { statement: 'analyze_result is: #analyze_result' }, arg_types: { statement: 'str' }, return: '' },
        ],
        cleanup: [{ id: 1, uuid: 21, instrument: 'deck.bench', action: 'noop', args: { x: 1 }, arg_types: { x: 'float' }, return: '' }],
      },
    };
    const imported = await fetch(`${gw.url}/api/workflows/import`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(wf),
    });
    expect(imported.status).toBe(201);
  }, 90_000);

  afterAll(async () => {
    await agent.kill('SIGKILL');
    await gw.close();
  });

  it('signs in as the client does: probe without following redirects, form login, probe again', async () => {
    const probe = await fetch(`${gw.url}/ivoryos/`, { redirect: 'manual' });
    expect(probe.status).toBe(302);
    const login = await fetch(`${gw.url}/ivoryos/auth/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=admin&password=admin',
    });
    expect([login.status, login.headers.get('location')]).toEqual([302, '/ivoryos/']);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await fetch(`${gw.url}/ivoryos/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
  });

  it('runs the example script: snapshot, status, queue, a direct task, load, 4 rows in batches of 2, polling, records', async () => {
    const snapshot = await expectIvoryos('GET', '/instruments', '/instruments');
    expect((snapshot['deck.sdl'] as Json).analyze).toEqual({
      coroutine: true, docstring: expect.any(String), has_args: false, has_kwargs: false, signature: '(self, param_1: int, param_2: int)',
    });
    expect((snapshot['deck.balance'] as Json).tare_offset).toMatchObject({ is_property: true, has_setter: true, signature: '(self)' });
    expect((snapshot['deck.balance'] as Json)['tare_offset_(setter)']).toBeUndefined();
    expect((await status()).busy).toBe(false);
    expect(await expectIvoryos('GET', '/executions/queue', '/executions/queue')).toEqual([]);

    const started = await expectIvoryos('POST', '/instruments/deck.sdl', '/instruments/<component>', {
      solvent_name: 'Ethanol', amount_in_ml: '2.5', rate_ml_per_minute: '3.5', hidden_name: 'dose_solvent', hidden_wait: false,
    });
    expect(started).toEqual({ status: 'task started', task_id: expect.any(Number) });
    const task = await waitFor(async () => {
      const t = await expectIvoryos('GET', `/instruments/task/${started.task_id as number}`, '/instruments/task/<id>');
      return t.end_time ? t : undefined;
    }, 10_000, 'the task to end');
    expect(task).toMatchObject({ id: started.task_id, method_name: 'deck.sdl.dose_solvent', run_error: null, kwargs: { solvent_name: 'Ethanol', amount_in_ml: '2.5' } });
    expect(task.start_time).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);

    const loaded = await expectIvoryos('GET', '/library/example_workflow', '/library/<name>');
    expect((loaded.script as Json).name).toBe('example_workflow');

    const rows = [1, 2, 3, 4].map((i) => ({ param_1: String(i), param_2: String(i) }));
    const run = await expectIvoryos('POST', '/executions/config', '/executions/config', { kwargs: rows, batch_size: 2 });
    expect(run).toEqual({ status: 'task started', task_id: expect.any(Number) });
    const list = await expectIvoryos('GET', '/executions/records?keyword=', '/executions/records');
    const ids = Object.keys(list.workflow_data as Json);
    expect(Number(ids[ids.length - 1])).toBe(run.task_id);

    const seen: boolean[] = [];
    await waitFor(async () => {
      const s = await status();
      seen.push(s.busy as boolean);
      return s.busy === false ? true : undefined;
    }, 30_000, 'the run to end');
    expect(seen[0]).toBe(true);

    const detail = await record(run.task_id as number);
    const phases = detail.phases as { prep: Json[]; script: Record<string, Json[]>; cleanup: Json[] };
    expect(Object.keys(phases.script)).toEqual(['1', '2']);
    for (const [iteration, [phase]] of Object.entries(phases.script)) {
      const params = phase.parameters as Json[];
      expect(params.map((p) => p.param_1)).toEqual(iteration === '1' ? [1, 2] : [3, 4]);
      expect((phase.outputs as Json[]).every((o) => typeof o.analyze_result === 'number')).toBe(true);
      expect((phase.steps as Json[]).map((s) => s.method_name)).toEqual(['wait', 'wait', 'analyze', 'analyze', 'comment', 'comment']);
    }
    expect(phases.cleanup).toHaveLength(1);
    expect(detail.workflow_info).toMatchObject({ id: run.task_id, name: 'example_workflow', platform: agent.deck, repeat_mode: 'batch' });
    // /api knows the run by the same number.
    const api = await fetch(`${gw.url}/api/runs/${run.task_id as number}`, { headers: { cookie } });
    expect(((await api.json()) as Json).number).toBe(run.task_id);
  }, 90_000);

  /** Starts a 40-iteration run (several seconds) of the loaded workflow and waits until its steps are under way. */
  const LONG = 40;
  /** Aborted runs are given far more rows: on a machine at load 90 a stop took longer to arrive than 40 iterations last. */
  const ABORTED = 400;
  const startLongRun = async (length = LONG): Promise<number> => {
    const rows = Array.from({ length }, (_, i) => ({ param_1: i, param_2: 1 }));
    const { task_id: id } = await expectIvoryos('POST', '/executions/config', '/executions/config', { kwargs: rows, batch_size: '1' });
    await waitFor(async () => ((await status()).current_task as Json).method_name ? true : undefined, 20_000, 'the run to start');
    return id as number;
  };

  it('toggles pause and resume on a running run, and on the queue when idle', async () => {
    const id = await startLongRun();
    expect(await expectIvoryos('POST', '/executions/pause-resume', '/executions/pause-resume')).toEqual({ pause_status: 'Paused', status: 'ok' });
    const paused = await waitFor(async () => {
      const s = await status();
      return s.paused ? s : undefined;
    }, 10_000, 'the run to pause');
    expect((paused.workflow_status as Json).runner_status).toMatchObject({ is_running: true, paused: true });
    expect(await expectIvoryos('POST', '/executions/pause-resume', '/executions/pause-resume')).toEqual({ pause_status: 'Resumed', status: 'ok' });
    await idle();
    expect(Object.keys((await record(id)).phases as Json)).toEqual(['cleanup', 'prep', 'script']);

    expect(await expectIvoryos('POST', '/executions/pause-resume', '/executions/pause-resume')).toEqual({ pause_status: 'Paused', status: 'ok' });
    const queued = await expectIvoryos('POST', '/executions/config', '/executions/config', { kwargs: [{ param_1: 1, param_2: 1 }] });
    const queue = await expectIvoryos('GET', '/executions/queue', '/executions/queue');
    expect(queue).toEqual([expect.objectContaining({ id: queued.task_id, name: 'example_workflow', status: 'pending', args: 'Config: 1 entries' })]);
    expect((await status()).busy).toBe(true);
    expect(await expectIvoryos('POST', '/executions/pause-resume', '/executions/pause-resume')).toEqual({ pause_status: 'Resumed', status: 'ok' });
    await idle();
  }, 90_000);

  it('aborts after the iteration (cleanup still runs) and after the step (no cleanup)', async () => {
    const pending = await startLongRun(ABORTED);
    expect(await expectIvoryos('POST', '/executions/abort/next-iteration', '/executions/abort/next-iteration')).toEqual({ status: 'ok' });
    await idle();
    const one = (await record(pending)).phases as { script: Json; cleanup: Json[] };
    expect(Object.keys(one.script).length).toBeLessThan(ABORTED);
    expect(one.cleanup).toHaveLength(1);
    expect(((await status()).workflow_status as Json).runner_status).toMatchObject({ stop_pending: true, stop_current: false });

    const current = await startLongRun(ABORTED);
    expect(await expectIvoryos('POST', '/executions/abort/next-task', '/executions/abort/next-task')).toEqual({ status: 'ok' });
    await idle();
    const two = (await record(current)).phases as { script: Json; cleanup: Json[] };
    expect(Object.keys(two.script).length).toBeLessThan(ABORTED);
    expect(two.cleanup).toEqual([]);
    expect(((await status()).workflow_status as Json).runner_status).toMatchObject({ stop_pending: true, stop_current: true });
    // Nothing runs: both aborts answer ok and do nothing, as IvoryOS's do.
    expect(await expectIvoryos('POST', '/executions/abort/next-task', '/executions/abort/next-task')).toEqual({ status: 'ok' });
  }, 90_000);

  it('takes Python with submit_python, saves, loads and runs it', async () => {
    const answer = await expectIvoryos('POST', '/draft/submit_python', '/draft/submit_python', {
      workflow_name: 'py_wf', script: 'result = deck.sdl.analyze(param_1=1, param_2=2)', cleanup: '', prep: '',
    });
    expect(answer).toEqual({ db: { message: 'Script published successfully', success: true }, script: { cleanup: 'success', prep: 'success', script: 'success' } });
    const saved = (await (await fetch(`${gw.url}/api/workflows/py_wf`, { headers: { cookie } })).json()) as { script_dict: { script: Json[] } };
    expect(saved.script_dict.script).toEqual([expect.objectContaining({
      instrument: 'deck.sdl', action: 'analyze', args: { param_1: 1, param_2: 2 }, arg_types: { param_1: 'int', param_2: 'int' }, return: 'result',
    })]);
    const run = await expectIvoryos('POST', '/executions/config', '/executions/config', { repeat: '2' });
    await idle();
    // The run's end time is recorded with its last events; wait for it rather than race it.
    const done = await waitFor(async () => {
      const r = await call('GET', `/ivoryos/executions/records/${run.task_id as number}`);
      return (r.json.workflow_info as Json).end_time ? r : undefined;
    }, 10_000, 'the run to be recorded as ended');
    expect(shapeMismatches('GET /executions/records/<id> 200', done.json)).toEqual([]);
    const phases = done.json.phases as { script: Record<string, Json[]> };
    expect(Object.keys(phases.script)).toEqual(['1', '2']);
    expect((phases.script['1'][0].outputs as Json[])[0]).toEqual({ result: expect.any(Number) });
    expect(phases.script['1'][0].parameters).toBeNull();

    const bad = await call('POST', '/ivoryos/draft/submit_python', { workflow_name: 'py_bad', script: 'deck.sdl.analyze(\n' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/script/);
    const unknown = await call('POST', '/ivoryos/draft/submit_python', { workflow_name: 'py_bad', script: 'deck.nope.go()' });
    expect(unknown.status).toBe(400);
    expect((await fetch(`${gw.url}/api/workflows/py_bad`, { headers: { cookie } })).status).toBe(404);
  }, 60_000);

  it('counts a pause accepted during a long step as paused, so the second toggle resumes and cancels it', async () => {
    // The agent pauses only at the next step boundary; the 2.5 s wait keeps the pause pending.
    await expectIvoryos('POST', '/draft/submit_python', '/draft/submit_python', {
      workflow_name: 'long_step', script: 'time.sleep(2.5)\nresult = deck.sdl.analyze(param_1=1, param_2=2)', cleanup: '', prep: '',
    });
    const run = await expectIvoryos('POST', '/executions/config', '/executions/config', { repeat: 1 });
    await waitFor(async () => ((await status()).current_task as Json).method_name === 'wait' ? true : undefined, 20_000, 'the wait step to start');
    expect(await expectIvoryos('POST', '/executions/pause-resume', '/executions/pause-resume')).toEqual({ pause_status: 'Paused', status: 'ok' });
    const pending = await status();
    const apiRun = async () => ((await call('GET', `/api/runs/${run.task_id as number}`)).json).status;
    expect([pending.paused, await apiRun()]).toEqual([true, 'running']);
    expect((pending.workflow_status as Json).runner_status).toMatchObject({ is_running: true, paused: true });

    expect(await expectIvoryos('POST', '/executions/pause-resume', '/executions/pause-resume')).toEqual({ pause_status: 'Resumed', status: 'ok' });
    expect((await status()).paused).toBe(false);
    // The cancelled pause never applies: the run ends on its own, having never been paused.
    await idle();
    const log = await fetch(`${gw.url}/api/runs/${run.task_id as number}/log`, { headers: { cookie } }).then((r) => r.text());
    expect([await apiRun(), /Control resume by admin: applied/.test(log), /status paused/.test(log)]).toEqual(['completed', true, false]);
  }, 60_000);

  it('describes the run holding the deck (executions/current_task) and retries its failed step (executions/retry)', async () => {
    expect(await call('GET', '/ivoryos/executions/current_task')).toEqual({ status: 200, json: { error: 'No task currently running' } });
    await expectIvoryos('POST', '/draft/submit_python', '/draft/submit_python', {
      workflow_name: 'retry_wf', script: 'deck.sdl.fail_once()\nresult = deck.sdl.analyze(param_1=1, param_2=2)', cleanup: '', prep: '',
    });
    const run = await expectIvoryos('POST', '/executions/config', '/executions/config', { repeat: 1 });
    const apiRun = async () => (await call('GET', `/api/runs/${run.task_id as number}`)).json;
    await waitFor(async () => ((await apiRun()).status === 'waiting' ? true : undefined), 20_000, 'the run to wait after its failed step');
    expect(await call('GET', '/ivoryos/executions/current_task')).toEqual({
      status: 200, json: { 'Batch Size': 1, Mode: 'Repeated Execution', 'Repeat Count': 1, id: run.task_id, name: 'retry_wf', status: 'waiting' },
    });
    expect(await call('POST', '/ivoryos/executions/retry')).toEqual({ status: 200, json: { status: 'ok, retrying failed step' } });
    await idle();
    expect((await apiRun()).status).toBe('completed');
    const nothing = await call('POST', '/ivoryos/executions/retry');
    expect([nothing.status, nothing.json.error]).toEqual([409, 'nothing to retry: no run holds the deck']);
  }, 60_000);

  it('edits the queue as the queue view of IvoryOS does: details, reorder, rename, delete', async () => {
    expect((await call('POST', `/api/decks/${agent.deck}/queue/pause`)).status).toBe(200);
    const first = await expectIvoryos('POST', '/executions/config', '/executions/config', { repeat: 2 });
    const second = await expectIvoryos('POST', '/executions/config', '/executions/config', { repeat: 3 });
    const order = async () => (await expectIvoryos('GET', '/executions/queue', '/executions/queue')).map((t) => [t.id, t.name]);
    expect(await call('GET', `/ivoryos/executions/queue/task/${second.task_id as number}`)).toEqual({
      status: 200, json: { 'Batch Size': 1, Mode: 'Repeated Execution', 'Repeat Count': 3, 'Task Name': 'retry_wf' },
    });
    expect((await call('POST', '/ivoryos/executions/queue/reorder', { id: second.task_id, direction: 'up' })).json).toEqual({ status: 'ok' });
    expect(await order()).toEqual([[second.task_id, 'retry_wf'], [first.task_id, 'retry_wf']]);
    const edge = await call('POST', '/ivoryos/executions/queue/reorder', { id: second.task_id, direction: 'up' });
    expect([edge.status, edge.json.error]).toEqual([400, `direction: run ${second.task_id as number} is already first in the queue`]);
    expect((await call('POST', '/ivoryos/executions/queue/task/rename', { id: first.task_id, new_name: 'later' })).json).toEqual({ status: 'ok' });
    expect(await order()).toEqual([[second.task_id, 'retry_wf'], [first.task_id, 'later']]);
    for (const id of [first.task_id, second.task_id]) expect((await call('POST', '/ivoryos/executions/queue/delete', { id })).json).toEqual({ status: 'ok' });
    expect(await order()).toEqual([]);
    expect((await call('GET', `/api/runs/${first.task_id as number}`)).json.status).toBe('cancelled');
    const gone = await call('POST', '/ivoryos/executions/queue/delete', { id: first.task_id });
    expect([gone.status, gone.json.error]).toEqual([404, 'Task not found']);
    expect((await call('POST', `/api/decks/${agent.deck}/queue/resume`)).status).toBe(200);
  });

  it('lists the library by keyword, answers unknown names and ids as IvoryOS does, and serves the deck by name too', async () => {
    expect(await expectIvoryos('GET', '/library/?keyword=py_', '/library/')).toEqual({ workflows: ['py_wf'] });
    expect((await expectIvoryos('GET', '/library/', '/library/')).workflows).toEqual(expect.arrayContaining(['py_wf', 'example_workflow']));
    expect(await expectIvoryos('GET', '/library/no_such_workflow', '/library/<name>')).toEqual({ success: false });
    expect(await expectIvoryos('GET', '/executions/records/99999', '/executions/records/<id>', undefined, 404)).toEqual({ error: 'Workflow not found' });
    expect(await expectIvoryos('GET', '/instruments/task/99999', '/instruments/task/<id>', undefined, 404)).toEqual({ error: 'Task not found' });
    const byName = await call('GET', `/decks/${agent.deck}/ivoryos/executions/records`);
    expect(byName.status).toBe(200);
    expect(byName.json).toEqual(await call('GET', '/ivoryos/executions/records').then((r) => r.json));
    const other = await call('GET', '/decks/no_such_deck/ivoryos/instruments');
    expect([other.status, other.json.error]).toEqual([404, "deck 'no_such_deck' not found"]);
    const anonymous = await fetch(`${gw.url}/decks/${agent.deck}/ivoryos/executions/status`, { redirect: 'manual' });
    expect(anonymous.headers.get('location')).toBe(`/decks/${agent.deck}/ivoryos/auth/login?next=${encodeURIComponent(`/decks/${agent.deck}/ivoryos/executions/status`)}`);
  });

  it('runs an optimizer campaign of the loaded workflow (the built-in optimizer serving ax) and answers optimizer_schema', async () => {
    // IvoryOS 1.6.11 without an optimizer package answered {} (the recording); with one, { key: get_schema() }
    const schemas = (await call('POST', '/ivoryos/executions/optimizer_schema', {})).json;
    expect(Object.keys(schemas)).toEqual(['builtin', 'ax', 'baybe', 'nimo']);
    const ax = (await call('POST', '/ivoryos/executions/optimizer_schema', { optimizer_type: 'ax' })).json;
    expect(Object.keys(ax)).toEqual(expect.arrayContaining(['parameter_types', 'multiple_objectives', 'supports_continuous', 'supports_constraints', 'optimizer_config', 'additional_field']));
    expect(ax.served_by).toMatch(/built-in/);
    expect((await call('POST', '/ivoryos/executions/optimizer_schema', { optimizer_type: 'skopt' })).json.error).toBe('Optimizer skopt is not supported or not found.');

    await expectIvoryos('GET', '/library/example_workflow', '/library/<name>');
    const campaign = {
      optimizer_type: 'ax', repeat: '2', batch_size: '2',
      parameters: [
        { name: 'param_1', type: 'range', value_type: 'int', bounds: [0, 10] },
        { name: 'param_2', type: 'choice', value_type: 'int', bounds: [1, 2, 3] },
      ],
      objectives: [{ name: 'analyze_result', minimize: false }],
      parameter_constraints: [], steps: { step_1: { model: 'Sobol', num_samples: 2 }, step_2: { model: 'BoTorch' } },
    };
    const bad = await call('POST', '/ivoryos/executions/campaign', { ...campaign, objectives: [{ name: 'nope', minimize: true }] });
    expect([bad.status, (bad.json.errors as unknown as Json[]).map((e) => e.path)]).toEqual([400, ['objectives[0].name']]);
    const started = (await call('POST', '/ivoryos/executions/campaign', campaign)).json;
    expect(started).toEqual({ status: 'task started', task_id: expect.any(Number), optimizer: expect.stringMatching(/^built-in .* serving a request for ax/) });
    await idle();
    const done = await waitFor(async () => {
      const r = await call('GET', `/ivoryos/executions/records/${started.task_id as number}`);
      return (r.json.workflow_info as Json).end_time ? r : undefined;
    }, 10_000, 'the campaign to be recorded as ended');
    expect(shapeMismatches('GET /executions/records/<id> 200', done.json)).toEqual([]);
    // repeat 2 x batch_size 2: two iterations of two trials, each with the suggested parameters
    const script = (done.json.phases as { script: Record<string, Json[]> }).script;
    expect(Object.keys(script)).toEqual(['1', '2']);
    for (const it of Object.values(script)) expect(it[0].parameters).toEqual([expect.objectContaining({ param_1: expect.any(Number) }), expect.objectContaining({ param_2: expect.any(Number) })]);
    const trials = (await call('GET', `/api/runs/${started.task_id as number}/trials`)).json;
    expect((trials.items as unknown as Json[]).map((t) => t.suggestedBy)).toEqual(['initial', 'initial', 'model', 'model']);
    const log = await fetch(`${gw.url}/api/runs/${started.task_id as number}/log`, { headers: { cookie } }).then((r) => r.text());
    expect(log.split('\n')[0]).toMatch(/INFO Optimizer: built-in GP-LogEI \(libs\/optimizer\), serving a request for ax \(not installed here\); budget 4 trials, batch size 2/);
  }, 60_000);
});
