import request from 'supertest';
import IORedis from 'ioredis';
import { EntityManager } from '@mikro-orm/postgresql';
import type { WorkflowAction } from '@ivoryos/contracts';
import { WorkflowRun } from '@ivoryos/db';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../../testing/test-agent';

const noop = (x: number): WorkflowAction => ({ id: 1, uuid: 1001, instrument: 'deck.bench', action: 'noop', args: { x }, return: '' }) as WorkflowAction;

describe('hand-over of a run to its agent, and a Redis wipe in between', () => {
  let gw: TestGateway;
  let agent: TestAgent;

  beforeAll(async () => {
    gw = await startTestGateway();
    agent = startTestAgent({ redisUrl: gw.config.redisUrl });
  }, 60_000);

  afterAll(async () => {
    await agent.kill('SIGKILL');
    await gw.close();
  });

  it('hands the run over again when the wipe took its run.accept job before the agent did', async () => {
    const api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    // The agent's start (introspection) is slow on a loaded machine: the shared helper's minute, and its output on failure.
    await waitOnline(gw.url, gw.adminToken, agent);
    await api.post('/api/workflows').send({ name: 'handover', deck: agent.deck, script_dict: { prep: [], script: [noop(42)], cleanup: [] } }).expect(201);

    // The agent is away (still shown online for a while), so the job waits in Redis...
    await agent.kill('SIGKILL');
    const { body } = await api.post('/api/runs').send({ workflow: 'handover' }).expect(201);
    const em = gw.app.get(EntityManager);
    await waitFor(async () => ((await em.fork().findOne(WorkflowRun, { id: body.id }))?.dispatchedAt ? true : undefined), 5000, 'the hand-over');
    // ...and the wipe takes it (this jest worker's own Redis database).
    const redis = new IORedis(gw.config.redisUrl, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    redis.disconnect();

    agent.start();
    const done = await waitFor(async () => {
      const r = (await api.get(`/api/runs/${body.id}`).expect(200)).body;
      return r.status === 'completed' ? r : undefined;
    }, 30_000, 'the run to complete');
    const main = done.phases.find((p: { name: string }) => p.name === 'main');
    expect(main.steps.map((s: { status: string; attempt: number }) => [s.status, s.attempt])).toEqual([['completed', 1]]);
    expect(agent.calls().filter((l) => l.includes(' bench noop {"x":42}'))).toHaveLength(1);
  }, 120_000);
});
