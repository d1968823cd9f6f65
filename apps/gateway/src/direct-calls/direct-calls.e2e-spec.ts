import request from 'supertest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { EntityManager } from '@mikro-orm/postgresql';
import IORedis from 'ioredis';
import { BULL_PREFIX, CONTRACT_VERSION, queueNames } from '@ivoryos/contracts';
import { WorkflowRun } from '@ivoryos/db';
import { DirectCallProducer } from '../transport/direct-call.producer';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';

interface DeckAnswer {
  name: string;
  online: boolean;
  status: string;
  schema: { instruments: Record<string, { actions: Record<string, { params: { name: string; default?: unknown; choices?: unknown[] }[]; returns: Record<string, unknown> }> }> };
}

describe('decks and direct control with a real agent', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let api: ReturnType<typeof request.agent>;
  const call = (path: string, body: unknown = {}) => api.post(`/api/decks/${agent.deck}/instruments/${path}`).send(body as object);

  beforeAll(async () => {
    gw = await startTestGateway({ IVORYOS_DECK_OFFLINE_AFTER_MS: '1500' });
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    agent = startTestAgent({ redisUrl: gw.config.redisUrl });
    await waitOnline(gw.url, gw.adminToken, agent);
  }, 90_000);

  afterAll(async () => {
    await agent.kill('SIGKILL');
    await gw.close();
  });

  it('lists the deck online with its schema: enum choices, defaults, tuple return, getter and setter', async () => {
    const list = await api.get('/api/decks').expect(200);
    const item = list.body.items.find((d: { name: string }) => d.name === agent.deck);
    expect(item).toMatchObject({ online: true, status: 'idle', agent: { pid: agent.proc.pid, version: expect.any(String) } });
    expect(item.instruments.sort()).toEqual(['deck.balance', 'deck.bench', 'deck.pump', 'deck.sdl']);
    const deck = (await api.get(`/api/decks/${agent.deck}`).expect(200)).body as DeckAnswer;
    const sdl = deck.schema.instruments['deck.sdl'].actions;
    expect(sdl.dose_solvent.params[0].choices).toEqual([
      { name: 'Methanol', value: 'Methanol' }, { name: 'Ethanol', value: 'Ethanol' }, { name: 'Acetone', value: 'Acetone' },
    ]);
    expect(sdl.dose_solvent.params[1]).toMatchObject({ name: 'amount_in_ml', default: 5 });
    expect(sdl.measure.returns).toMatchObject({ kind: 'tuple', arity: 3, types: ['float', 'float', 'str'] });
    const balance = deck.schema.instruments['deck.balance'].actions;
    expect(Object.keys(balance)).toEqual(expect.arrayContaining(['tare_offset', 'tare_offset_(setter)']));
  });

  it('refuses an agent of another contract version at registration, naming the versions each side speaks', async () => {
    const other = startTestAgent({ redisUrl: gw.config.redisUrl, env: { IVORYOS_CONTRACT_VERSION_CLAIM: '99' } });
    try {
      const exit = new Promise<number | null>((resolve) => other.proc.once('exit', (code) => resolve(code)));
      // The agent reads the refusal on its command stream, says why and exits 1.
      const code = await Promise.race([exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
      expect({ code, output: code === 1 ? '' : other.output() }).toEqual({ code: 1, output: '' });
      expect(other.output()).toContain(`the gateway refused this agent: the agent speaks contract version 99; this gateway speaks ${CONTRACT_VERSION}`);
      expect(other.output()).toMatch(new RegExp(`"gatewaySpeaks":\\[${CONTRACT_VERSION}\\],"agentSpeaks":\\[99\\]`));
      // Nothing of the refused registration was stored.
      await api.get(`/api/decks/${other.deck}`).expect(404);
    } finally {
      await other.kill('SIGKILL');
    }
  }, 90_000);

  it('runs a call on the agent, converting form strings, and records it', async () => {
    const res = await call('deck.sdl/analyze', { param_1: '3', param_2: 4 }).expect(200);
    expect(res.body).toMatchObject({ success: true, output: expect.any(Number), error: null });
    const rec = await api.get(`/api/control-steps/${res.body.id}`).expect(200);
    expect(rec.body).toMatchObject({ deck: agent.deck, instrument: 'deck.sdl', methodName: 'analyze', kwargs: { param_1: '3', param_2: 4 }, status: 'completed', calledBy: 'admin' });
    expect(agent.calls().filter((l) => l.includes('analyze'))).toHaveLength(1);
    const listed = await api.get(`/api/control-steps?deck=${agent.deck}&instrument=deck.sdl`).expect(200);
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(res.body.id);
  });

  it('sets and reads a property, and answers driver exceptions as success false', async () => {
    await call('deck.balance/tare_offset_(setter)', { value: '2.5' }).expect(200);
    expect((await call('deck.balance/tare_offset').expect(200)).body.output).toBe(2.5);
    const failed = await call('deck.sdl/always_fail').expect(200);
    expect(failed.body.success).toBe(false);
    expect(failed.body.error).toEqual(expect.any(String));
  });

  it('names the bad argument (400) and the unknown thing (404) without calling the driver', async () => {
    const before = agent.calls().length;
    expect((await call('deck.sdl/analyze', { param_1: '2.7', param_2: 1 }).expect(400)).body.errors[0].path).toBe('param_1');
    expect((await call('deck.sdl/analyze', { param_1: 1 }).expect(400)).body.errors[0]).toEqual({ path: 'param_2', message: 'is required' });
    expect((await call('deck.sdl/analyze', { param_1: 1, param_2: 2, colour: 'x' }).expect(400)).body.errors[0].path).toBe('colour');
    expect((await call('deck.sdl/dose_solvent', { solvent_name: 'Water' }).expect(400)).body.errors[0].path).toBe('solvent_name');
    await call('deck.nope/analyze').expect(404);
    await call('deck.sdl/no_such').expect(404);
    await api.post('/api/decks/no_such_deck/instruments/deck.sdl/analyze').send({}).expect(404);
    await api.post(`/api/decks/${agent.deck}/instruments/deck.sdl/analyze?timeoutMs=abc`).send({ param_1: 1, param_2: 2 }).expect(400);
    expect(agent.calls().length).toBe(before);
  });

  it('queues concurrent calls first-in-first-out and answers all 8 clients', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call('deck.bench/noop', { x: i })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.map((r) => r.body.output)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('returns the first answer for a repeated Idempotency-Key, calling the driver once', async () => {
    const before = agent.calls().filter((l) => l.includes('weigh_sample')).length;
    const first = await call('deck.balance/weigh_sample').set('Idempotency-Key', 'weigh-1').expect(200);
    const again = await call('deck.balance/weigh_sample').set('Idempotency-Key', 'weigh-1').expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.output).toEqual(first.body.output);
    expect(agent.calls().filter((l) => l.includes('weigh_sample')).length).toBe(before + 1);
    await call('deck.sdl/measure').set('Idempotency-Key', 'weigh-1').expect(409);
  });

  it('answers 504 with the call id when the instrument is slow, records the outcome later, and never starts a call whose caller gave up', async () => {
    const equilibrating = () => agent.calls().filter((l) => l.includes('equilibrate')).length;
    const before = equilibrating();
    const slow = call('deck.sdl/equilibrate?timeoutMs=300', { temp: 25, duration: 1.5 }).then((r) => r);
    // The second call must queue behind the slow one, so send it only once the driver is inside it.
    await waitFor(() => equilibrating() > before || undefined, 5_000, 'the slow call to reach the driver');
    const [s, w] = await Promise.all([slow, call('deck.sdl/measure?timeoutMs=200')]);
    expect(s.status).toBe(504);
    expect(s.body).toMatchObject({ statusCode: 504, id: expect.any(String) });
    expect(w.status).toBe(504);
    const done = await waitFor(async () => {
      const r = await api.get(`/api/control-steps/${s.body.id}`);
      return r.body.status === 'completed' ? r.body : undefined;
    }, 10_000, 'the slow call to be recorded');
    expect(done.success).toBe(true);
    const skipped = await waitFor(async () => {
      const r = await api.get(`/api/control-steps/${w.body.id}`);
      return r.body.status === 'failed' ? r.body : undefined;
    }, 10_000, 'the abandoned call to be recorded');
    expect(skipped.error).toMatch(/gave up/);
    expect(agent.calls().filter((l) => l.includes('measure'))).toHaveLength(0);
  });

  it("answers a call only from its own deck's queue events: another deck's agent cannot forge its result", async () => {
    // Another deck, as the gateway sees one once its agent registers: its queue events are watched.
    const other = `forger_${agent.deck}`;
    await gw.app.get(DirectCallProducer).listen(other);
    const slow = call('deck.sdl/equilibrate', { temp: 30, duration: 1 }).then((r) => r);
    const inFlight = await waitFor(async () => {
      const list = (await api.get(`/api/control-steps?deck=${agent.deck}&instrument=deck.sdl`)).body as { items: { id: string; methodName: string; status: string }[] };
      return list.items.find((c) => c.methodName === 'equilibrate' && (c.status === 'pending' || c.status === 'running'));
    }, 5_000, 'the slow call to be under way');
    // What that deck's agent may write: BullMQ's events stream of its own queue.
    const forged = { schemaVersion: CONTRACT_VERSION, callId: inFlight.id, ran: true, success: true, output: 'forged', error: null, startedAt: null, endedAt: new Date().toISOString() };
    const redis = new IORedis(gw.config.redisUrl);
    try {
      await redis.xadd(`${BULL_PREFIX}:${queueNames.deck(other)}:events`, '*', 'event', 'completed', 'jobId', inFlight.id, 'returnvalue', JSON.stringify(forged), 'prev', 'active');
    } finally {
      redis.disconnect();
    }
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: inFlight.id, success: true, output: null });
    const row = (await api.get(`/api/control-steps/${inFlight.id}`).expect(200)).body as { status: string; output: unknown };
    expect(row).toMatchObject({ status: 'completed', output: null });
  });

  it('refuses calls while a run holds the deck (409) unless overridden', async () => {
    const em = gw.app.get(EntityManager).fork();
    const run = em.create(WorkflowRun, {
      name: 'holder', deck: agent.deck, status: 'running',
      workflowSnapshot: { name: 'holder', deck: agent.deck, status: 'editing', author: 'admin', script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] } },
    });
    await em.flush();
    expect((await call('deck.bench/noop').expect(409)).body.message).toContain(run.id);
    await api.post(`/api/decks/${agent.deck}/instruments/deck.bench/noop?override=true`).send({}).expect(200);
    run.status = 'completed';
    await em.flush();
    // Queued but already handed to the agent (about to start): it holds the deck too, as the dispatcher counts it.
    const handed = em.create(WorkflowRun, {
      name: 'handed over', deck: agent.deck, status: 'queued', dispatchedAt: new Date(),
      workflowSnapshot: { name: 'holder', deck: agent.deck, status: 'editing', author: 'admin', script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] } },
    });
    await em.flush();
    expect((await call('deck.bench/noop').expect(409)).body.message).toContain(handed.id);
    handed.status = 'cancelled';
    await em.flush();
    await call('deck.bench/noop').expect(200);
  });

  it('serves a typed TypeScript client that compiles and calls the deck', async () => {
    const res = await api.get(`/api/decks/${agent.deck}/proxy.ts`).expect(200);
    const dir = mkdtempSync(join(tmpdir(), 'ivoryos-proxy-'));
    const js = ts.transpileModule(res.text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(dir, 'proxy.js'), js.outputText);
    const proxy = require(join(dir, 'proxy.js')) as { connect(o: { baseUrl: string; token: string }): Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>; IvoryosCallError: new () => Error };
    const deck = proxy.connect({ baseUrl: gw.url, token: gw.adminToken });
    expect(typeof (await deck.sdl.analyze(1, 2))).toBe('number');
    expect(await deck.bench.noop(41)).toBe(41);
    const measured = await deck.sdl.measure();
    expect(Array.isArray(measured) && measured.length).toBe(3);
    await expect(deck.sdl.always_fail()).rejects.toBeInstanceOf(proxy.IvoryosCallError);
  });

  it('shows the deck offline soon after its agent dies, answers 503, and comes back with a new agent', async () => {
    await agent.kill('SIGKILL');
    await waitFor(async () => ((await api.get(`/api/decks/${agent.deck}`)).body.online === false ? true : undefined), 15_000, 'the deck to go offline');
    await call('deck.bench/noop').expect(503);
    agent.start();
    await waitFor(async () => ((await api.get(`/api/decks/${agent.deck}`)).body.online ? true : undefined), 20_000, 'the deck to come back');
    await call('deck.bench/noop', { x: 5 }).expect(200);
  }, 45_000);
});
