import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { WorkflowAction } from '@ivoryos/contracts';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../../testing/test-agent';
import { RunFilesMirror } from './run-files.mirror';
import { runLogFileName } from './run-log-format';

const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction =>
  ({ id, uuid: 1000 + id, instrument, action, args, return: '', ...extra }) as WorkflowAction;

/** The message part of each line: `<ISO time> <LEVEL> <message>` without the time. */
const messages = (text: string): string[] => text.trimEnd().split('\n').map((l) => l.replace(/^\S+ /, ''));

describe('run log: says at least what IvoryOS says, from the events the gateway already ingests', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let api: ReturnType<typeof request.agent>;
  let runId: string;
  let full: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    agent = startTestAgent({ redisUrl: gw.config.redisUrl });
    await waitOnline(gw.url, gw.adminToken, agent);
    await api.post('/api/workflows').send({
      name: 'logged', deck: agent.deck,
      script_dict: {
        prep: [act(1, 'deck.bench', 'noop', { x: 0 })],
        script: [act(1, 'deck.bench', 'noop', { x: '#amount' }, { return: 'echo' }), act(2, 'wait', 'wait', { statement: 0.1 })],
        cleanup: [act(1, 'input', 'vials', { statement: 'How many vials are left?' }, { arg_types: { statement: 'int' }, return: 'vials' })],
      },
    }).expect(201);
    const { body } = await api.post('/api/runs').send({ workflow: 'logged', parameters: [{ amount: 5 }, { amount: 7 }, { amount: 9 }] }).expect(201);
    runId = body.id;
    const prompt = await waitFor(async () => {
      const r = (await api.get(`/api/runs/${runId}`).expect(200)).body;
      return r.status === 'waiting' ? r.waiting : undefined;
    }, 60_000, 'the input prompt in cleanup');
    await api.post(`/api/runs/${runId}/input`).send({ value: 3, promptId: prompt.promptId }).expect(202);
    await waitFor(async () => ((await api.get(`/api/runs/${runId}`).expect(200)).body.status === 'completed' ? true : undefined), 30_000, 'the run to complete');
    full = (await api.get(`/api/runs/${runId}/log`).expect(200)).text;
  }, 120_000);

  afterAll(async () => {
    await agent?.kill('SIGKILL');
    await gw?.close();
  });

  it('names each phase, each iteration with its parameters, each step with its outcome, waits, controls and who sent them', () => {
    const lines = messages(full);
    const step = (n: number, where: string, name: string, args: string, tail: string) => `INFO Step ${n} (${where}) '${name}' with args ${args} completed${tail}`;
    expect(lines).toEqual([
      'INFO status running',
      'INFO Executing prep steps',
      step(1, 'prep', 'bench.noop', '{"x":0}', ', output 0'),
      'INFO Finished prep steps',
      ...[5, 7, 9].flatMap((amount, i) => [
        `INFO Executing ${i + 1} of 3 with kwargs = [{"amount":${amount}}]`,
        step(1, `iteration ${i + 1}`, 'bench.noop', `{"x":${amount}}`, `, output ${amount}`),
        'INFO Waiting 0.1 s',
        step(2, `iteration ${i + 1}`, 'wait', '{"statement":0.1}', ''),
        `INFO Output value: [{"amount":${amount},"echo":${amount}}]`,
      ]),
      'INFO Executing cleanup steps',
      'WARN status waiting: How many vials are left?',
      'INFO Control input by admin: applied',
      'INFO Input vials = 3',
      'INFO status running',
      'INFO Finished cleanup steps',
      'INFO status completed',
    ]);
  });

  it('leaves completed steps out with ?steps=false (runs of many thousand steps), keeping phases, iterations and waits', async () => {
    const short = messages((await api.get(`/api/runs/${runId}/log?steps=false`).expect(200)).text);
    expect(short.filter((l) => l.includes(' Step '))).toEqual([]);
    expect(short).toEqual(messages(full).filter((l) => !l.startsWith('INFO Step ')));
    expect((await api.get(`/api/runs/${runId}/log?steps=maybe`).expect(400)).body.errors[0].path).toBe('steps');
  });

  it('writes the same lines to <dataDir>/logs', async () => {
    await gw.app.get(RunFilesMirror).settled();
    expect(readFileSync(join(gw.config.dataDir, 'logs', runLogFileName('logged', runId)), 'utf8')).toBe(full);
  });
});
