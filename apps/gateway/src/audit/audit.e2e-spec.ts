import { EntityManager } from '@mikro-orm/postgresql';
import type { WorkflowAction } from '@ivoryos/contracts';
import { TestAuth, type TestApiKey, type TestSession } from '@ivoryos/testing';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis';
import { startTestAgent, waitFor, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

interface Entry {
  kind: string;
  at: string;
  actor: string | null;
  actorKind: string | null;
  deck: string | null;
  action: string;
  target: string;
  outcome: string | null;
  details: Record<string, unknown> | null;
}

const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction =>
  ({ id, uuid: 1000 + id, instrument, action, args, return: '', ...extra }) as WorkflowAction;

/** Every hardware call, run and control, and every change to users, keys and deck tokens, names who did it. */
describe('GET /api/audit', () => {
  let redis: PrivateRedis;
  let gw: TestGateway;
  let agent: TestAgent;
  let admin: { headers: { authorization: string } };
  let operator: TestSession;
  let key: TestApiKey;
  let started: string;
  const ids: Record<string, string> = {};

  const http = async (method: string, path: string, who: { headers: Record<string, string> }, body?: unknown) => {
    const res = await fetch(`${gw.url}${path}`, {
      method, headers: { ...who.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const audit = async (query = '') => {
    const res = await http('GET', `/api/audit${query}`, admin);
    expect(res.status).toBe(200);
    return res.body as unknown as { items: Entry[]; total: number };
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    gw = await startTestGateway({ REDIS_URL: redis.url });
    admin = { headers: { authorization: `Bearer ${gw.adminToken}` } };
    const auth = new TestAuth({ baseUrl: gw.url, em: gw.app.get(EntityManager) });
    operator = await auth.session('operator');
    started = new Date(Date.now() - 1000).toISOString();
    key = await auth.apiKey(admin, { role: 'operator', name: 'lims-import' });
    agent = startTestAgent({ redisUrl: redis.url });
    await waitFor(async () => ((await http('GET', `/api/decks/${agent.deck}`, admin)).body.online ? true : undefined), 30_000, 'the deck online');
  }, 60_000);

  afterAll(async () => {
    await agent?.kill('SIGKILL');
    await gw?.close();
    await redis?.stop();
  });

  it('records direct calls, run submissions and controls under the user or key that made them', async () => {
    const byUser = await http('POST', `/api/decks/${agent.deck}/instruments/deck.sdl/analyze`, operator, { param_1: 1, param_2: 2 });
    expect(byUser.status).toBe(200);
    ids.userCall = byUser.body.id as string;
    const byKey = await http('POST', `/api/decks/${agent.deck}/instruments/deck.bench/noop`, key, { x: 1 });
    expect(byKey.status).toBe(200);
    ids.keyCall = byKey.body.id as string;

    const wf = { name: `audit_${agent.deck}`, deck: agent.deck, script_dict: { prep: [], cleanup: [], script: [act(1, 'input', 'n', { statement: 'n?' }, { arg_types: { statement: 'int' }, return: 'n' }), act(2, 'deck.bench', 'noop', { x: '#n' })] } };
    expect((await http('POST', '/api/workflows', operator, wf)).status).toBe(201);
    const run = await http('POST', '/api/runs', key, { workflow: wf.name });
    expect(run.status).toBe(201);
    ids.run = run.body.id as string;
    const waiting = await waitFor(async () => {
      const r = (await http('GET', `/api/runs/${ids.run}`, operator)).body as { status: string; waiting?: { promptId: string } };
      return r.status === 'waiting' ? r : undefined;
    }, 30_000, 'the run to wait for input');
    const answered = await http('POST', `/api/runs/${ids.run}/input`, operator, { value: 2, promptId: waiting.waiting?.promptId });
    expect(answered.status).toBe(202);
    await waitFor(async () => ((await http('GET', `/api/runs/${ids.run}`, operator)).body.status === 'completed' ? true : undefined), 30_000, 'the run to complete');

    const { items } = await audit(`?deck=${agent.deck}`);
    expect(items.find((e) => e.target === ids.userCall)).toMatchObject({
      kind: 'call', actor: operator.username, actorKind: 'user', deck: agent.deck, action: 'deck.sdl.analyze', outcome: 'completed',
    });
    expect(items.find((e) => e.target === ids.keyCall)).toMatchObject({ kind: 'call', actor: 'lims-import', actorKind: 'key', action: 'deck.bench.noop' });
    expect(items.find((e) => e.kind === 'run')).toMatchObject({ target: ids.run, actor: 'lims-import', actorKind: 'key', action: 'run.submit', outcome: 'completed' });
    expect(items.find((e) => e.kind === 'control')).toMatchObject({ target: ids.run, actor: operator.username, actorKind: 'user', action: 'run.input', outcome: 'applied' });
    expect(items.some((e) => e.kind === 'step')).toBe(false);
    // The run's driver call, under the key that submitted the run; the input step is not a driver call.
    const steps = await audit(`?kind=step&deck=${agent.deck}`);
    expect(steps.items).toEqual([
      expect.objectContaining({ kind: 'step', actor: 'lims-import', actorKind: 'key', action: 'deck.bench.noop', outcome: 'completed', details: expect.objectContaining({ runId: ids.run, attempt: 1 }) }),
    ]);
    expect(steps.total).toBe(1);
  }, 60_000);

  it('records changes to users, API keys and deck tokens, never the secrets', async () => {
    expect((await http('POST', '/api/users', admin, { username: 'audited', password: 'long-enough-1', role: 'viewer' })).status).toBe(201);
    expect((await http('PATCH', '/api/users/audited', admin, { role: 'operator', password: 'long-enough-2' })).status).toBe(200);
    expect((await http('DELETE', `/api/api-keys/${key.id}`, admin)).status).toBe(204);
    const issued = await http('POST', `/api/decks/${agent.deck}/token`, admin);
    expect(issued.status).toBe(201);
    expect((await http('DELETE', `/api/decks/${agent.deck}/token`, admin)).status).toBe(204);

    const { items } = await audit('?kind=admin');
    const actions = items.map((e) => `${e.action} ${e.target} by ${e.actor}/${e.actorKind}`);
    expect(actions).toEqual([
      `deck-token.revoke ${agent.deck} by admin/user`,
      `deck-token.issue ${agent.deck} by admin/user`,
      `api-key.revoke ${key.id} by admin/user`,
      'user.update audited by admin/user',
      'user.create audited by admin/user',
      `api-key.create ${key.id} by admin/user`,
    ]);
    expect(items.find((e) => e.action === 'user.update')?.details).toEqual({ role: 'operator', passwordReset: true });
    const text = JSON.stringify(items);
    for (const secret of [issued.body.token as string, key.key, 'long-enough-1', 'long-enough-2']) expect(text).not.toContain(secret);
  });

  it('filters by actor, kind and time, and pages newest first', async () => {
    const byKey = await audit('?actor=lims-import');
    expect(byKey.items.map((e) => e.kind).sort()).toEqual(['call', 'run']);
    expect((await audit('?actor=lims-import&kind=run')).items.map((e) => e.target)).toEqual([ids.run]);
    expect((await audit(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total).toBe(0);
    const window = await audit(`?from=${encodeURIComponent(started)}&to=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}`);
    const all = await audit('?perPage=500');
    expect(window.total).toBe(all.total);
    const first = await audit('?perPage=2&page=1');
    const second = await audit('?perPage=2&page=2');
    expect(first.items).toHaveLength(2);
    expect(first.items[1].at >= second.items[0].at).toBe(true);
    expect(first.total).toBe(all.total);
    const times = all.items.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('answers 400 naming the field for bad filters, and 403 below admin', async () => {
    for (const [query, path] of [['?kind=nope', 'kind'], ['?from=yesterday', 'from'], ['?to=2026-13-01', 'to'], ['?deck=a/b', 'deck'], ['?perPage=0', 'perPage'], ['?from=0000-01-01T00:00:00Z', 'from']]) {
      const res = await http('GET', `/api/audit${query}`, admin);
      expect([query, res.status, (res.body.errors as { path: string }[] | undefined)?.[0]?.path]).toEqual([query, 400, path]);
    }
    expect((await http('GET', '/api/audit', operator)).status).toBe(403);
  });
});
