import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';

/** What IvoryOS's generated Python proxy does, step by step (§8.2): session probe, form login, JSON calls. */
describe('IvoryOS compatibility routes', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let cookie = '';

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    gw = await startTestGateway();
    agent = startTestAgent({ redisUrl: gw.config.redisUrl });
    await waitOnline(gw.url, gw.adminToken, agent);
  }, 90_000);

  afterAll(async () => {
    await agent.kill('SIGKILL');
    await gw.close();
  });

  it('redirects to the login page without a session, as IvoryOS does (never 401)', async () => {
    const home = await fetch(`${gw.url}/ivoryos/`, { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/ivoryos/auth/login?next=%2Fivoryos%2F');
    const call = await post('/ivoryos/instruments/deck.bench', { hidden_name: 'noop', x: 1 });
    expect(call.status).toBe(302);
    expect((await fetch(`${gw.url}/ivoryos/auth/login`)).status).toBe(200);
  });

  it('signs in with a form post, sets the session cookie, and the probe answers 200', async () => {
    const bad = await fetch(`${gw.url}/ivoryos/auth/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=admin&password=wrong',
    });
    expect(bad.status).toBe(302);
    expect(bad.headers.get('location')).toBe('/ivoryos/auth/login');
    const login = await fetch(`${gw.url}/ivoryos/auth/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=admin&password=admin',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/ivoryos/');
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toMatch(/^ivoryos_session=/);
    expect((await fetch(`${gw.url}/ivoryos/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
  });

  it('calls instruments with { hidden_name, ...kwargs } → { success, output }', async () => {
    const ok = await post('/ivoryos/instruments/deck.bench', { hidden_name: 'noop', x: '3', hidden_wait: true }, { cookie });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ success: true, output: 3 });
    const raised = await post('/ivoryos/instruments/deck.sdl', { hidden_name: 'always_fail' }, { cookie });
    expect(raised.status).toBe(200);
    expect(await raised.json()).toMatchObject({ success: false, output: expect.any(String) });
    const bearer = await post('/ivoryos/instruments/deck.bench', { hidden_name: 'noop', x: 5 }, { authorization: `Bearer ${gw.adminToken}` });
    expect(await bearer.json()).toEqual({ success: true, output: 5 });
  });

  it('answers IvoryOS-style 404s for unknown methods and instruments, and 400 for bad arguments', async () => {
    const method = await post('/ivoryos/instruments/deck.sdl', { hidden_name: 'no_such' }, { cookie });
    expect(method.status).toBe(404);
    expect(await method.json()).toMatchObject({ success: false, error: 'Method no_such not found' });
    const missing = await post('/ivoryos/instruments/deck.sdl', {}, { cookie });
    expect(await missing.json()).toMatchObject({ success: false, error: 'Method None not found' });
    const instrument = await post('/ivoryos/instruments/deck.nope', { hidden_name: 'go' }, { cookie });
    expect(instrument.status).toBe(404);
    expect(await instrument.json()).toMatchObject({ success: false, error: 'Instrument not found' });
    const badArg = await post('/ivoryos/instruments/deck.sdl', { hidden_name: 'analyze', param_1: '2.7', param_2: 1 }, { cookie });
    expect(badArg.status).toBe(400);
    expect(((await badArg.json()) as { errors: { path: string }[] }).errors[0].path).toBe('param_1');
  });

  it('runs a call in the background with hidden_wait false, and reports it as a task', async () => {
    const started = await post('/ivoryos/instruments/deck.bench', { hidden_name: 'noop', x: 9, hidden_wait: false }, { cookie });
    const body = (await started.json()) as { status: string; task_id: string };
    expect(body.status).toBe('task started');
    const task = await waitFor(async () => {
      const t = (await (await fetch(`${gw.url}/ivoryos/instruments/task/${body.task_id}`, { headers: { cookie } })).json()) as Record<string, unknown>;
      return t.end_time ? t : undefined;
    }, 10_000, 'the task to end');
    expect(task).toMatchObject({ method_name: 'deck.bench.noop', output: 9, run_error: null });
  });
});
