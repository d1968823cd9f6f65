import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { CONTRACT_VERSION, BULL_PREFIX, DECK_SET_KEY, jobNames, queueNames, type DirectCallJob, type DirectCallResult, type JsonObject } from '@ivoryos/contracts';
import {
  AgentProcess, assertBuilt, callLog, cleanupDeck, PrivateRedis, streamMessages, TEST_REDIS_URL, uniqueDeck, waitFor, waitForMessage,
} from './testing/agent-harness';

// Agent processes start in about a second each; jest's per-project testTimeout does not apply here.
jest.setTimeout(60_000);

// Each test owns its deck, agent processes, temp dir and Redis connections; all are released after it.
interface Rig {
  deck: string;
  tmp: string;
  calls: string;
  redisUrl: string;
  redis: Redis;
  queue: Queue;
  events: QueueEvents;
  agents: AgentProcess[];
  start(extra?: Partial<ConstructorParameters<typeof AgentProcess>[0]>): AgentProcess;
  call(job: DirectCallJob): Promise<DirectCallResult>;
  payload(instrument: string, action: string, kwargs?: JsonObject): DirectCallJob;
}

const rigs: Rig[] = [];
const privateServers: PrivateRedis[] = [];

beforeAll(() => assertBuilt());

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await Promise.all(rig.agents.map((a) => a.dispose()));
    await rig.queue.close();
    await rig.events.close();
    rig.redis.disconnect();
    if (rig.redisUrl === TEST_REDIS_URL) await cleanupDeck(TEST_REDIS_URL, rig.deck);
    rmSync(rig.tmp, { recursive: true, force: true });
  }
  for (const server of privateServers.splice(0)) await server.down();
});

async function rig(redisUrl = TEST_REDIS_URL): Promise<Rig> {
  const deck = uniqueDeck();
  const tmp = mkdtempSync(join(tmpdir(), 'ivoryos-agent-'));
  const calls = join(tmp, 'calls.log');
  const connection = { url: redisUrl };
  const r: Rig = {
    deck, tmp, calls, redisUrl,
    redis: new IORedis(redisUrl),
    queue: new Queue(queueNames.deck(deck), { connection, prefix: BULL_PREFIX }),
    events: new QueueEvents(queueNames.deck(deck), { connection, prefix: BULL_PREFIX }),
    agents: [],
    start(extra = {}) {
      const agent = new AgentProcess({ deck, dataDir: join(tmp, 'data'), redisUrl, env: { IVORYOS_SIM_CALL_LOG: calls }, ...extra });
      r.agents.push(agent);
      return agent;
    },
    async call(job) {
      const added = await r.queue.add(jobNames.directCall, job, { jobId: job.callId, attempts: 1 });
      return (await added.waitUntilFinished(r.events, 15_000)) as DirectCallResult;
    },
    payload(instrument, action, kwargs = {}) {
      return { schemaVersion: CONTRACT_VERSION, callId: randomUUID(), deck, instrument, action, kwargs, deadline: Date.now() + 30_000, calledBy: 'int-test' };
    },
  };
  rigs.push(r);
  await r.events.waitUntilReady();
  return r;
}

const registeredBy = (r: Rig, agent: AgentProcess) => waitForMessage(r.redis, r.deck, 'register', (m) => m.agent.pid === agent.pid);

describe('agent lifecycle', () => {
  it('after kill -9 mid-call and a restart, the same call id is answered "interrupted", never called again', async () => {
    const r = await rig();
    const first = r.start();
    await registeredBy(r, first);
    const job = r.payload('deck.sdl', 'equilibrate', { temp: 30, duration: 30 });
    await r.queue.add(jobNames.directCall, job, { jobId: job.callId, attempts: 1 });
    // The call log line is written when the driver method starts: the call is provably under way.
    await waitFor('equilibrate to start', () => callLog(r.calls).includes('sdl equilibrate {"temp":30,"duration":30}'));
    first.kill('SIGKILL');
    await first.exited;

    const second = r.start();
    await registeredBy(r, second);
    await second.waitForLog('the interrupted call reported at start', (l) => l.msg.includes('interrupted') && l['callId'] === job.callId);
    // The dead agent's job is still "active" under its lock; the producer re-creates it under the same id.
    expect(await r.queue.getJobState(job.callId)).toBe('active');
    await r.queue.obliterate({ force: true });
    const result = await r.call(job);

    expect(result).toMatchObject({
      callId: job.callId, ran: false, success: false, notRun: 'interrupted',
      error: 'interrupted: the agent stopped during this call; outcome unknown', endedAt: null,
    });
    expect(result.startedAt).toEqual(expect.any(String));
    expect(callLog(r.calls).filter((l) => l.startsWith('sdl equilibrate'))).toHaveLength(1);
  });

  it('on SIGTERM lets the current call finish, calls safe_state(), sends offline and exits 0', async () => {
    const r = await rig();
    const agent = r.start();
    await registeredBy(r, agent);
    const job = r.payload('deck.sdl', 'equilibrate', { temp: 20, duration: 0.5 });
    const added = await r.queue.add(jobNames.directCall, job, { jobId: job.callId, attempts: 1 });
    await waitFor('equilibrate to start', () => callLog(r.calls).some((l) => l.startsWith('sdl equilibrate')));
    agent.kill('SIGTERM');

    await expect(added.waitUntilFinished(r.events, 15_000)).resolves.toMatchObject({ ran: true, success: true });
    await expect(agent.exited).resolves.toEqual({ code: 0, signal: null });
    expect(callLog(r.calls)).toEqual(['sdl equilibrate {"temp":20,"duration":0.5}', 'deck safe_state {}']);
    const kinds = (await streamMessages(r.redis, r.deck)).map((s) => s.message.kind);
    expect(kinds[kinds.length - 1]).toBe('offline');
    expect(agent.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['safe_state() done', 'offline message sent', 'agent stopped']));
  });

  it('re-registers by itself after Redis restarts, and keeps serving calls', async () => {
    const server = await PrivateRedis.start();
    privateServers.push(server);
    const r = await rig(server.url);
    const agent = r.start();
    await registeredBy(r, agent);
    await expect(r.call(r.payload('deck.bench', 'noop', { x: 1 }))).resolves.toMatchObject({ success: true, output: 1 });

    await server.down();
    await agent.waitForLog('the outage to be noticed', (l) => l.msg === 'redis connection error; reconnecting');
    await server.up();

    // The restarted server is empty: whatever is on the stream now was sent after the restart.
    const register = await registeredBy(r, agent);
    expect(register.schema.instruments['deck.sdl']).toBeDefined();
    expect(await r.redis.sismember(DECK_SET_KEY, r.deck)).toBe(1);
    await waitForMessage(r.redis, r.deck, 'heartbeat');
    await expect(r.call(r.payload('deck.bench', 'noop', { x: 2 }))).resolves.toMatchObject({ ran: true, success: true, output: 2 });
    expect(callLog(r.calls)).toEqual(['bench noop {"x":1}', 'bench noop {"x":2}']);
  });
});

describe('run(__filename) in a deck module', () => {
  const RUN_DECK_TS = 'apps/deck-agent/src/testing/run-deck.ts';
  const RUN_DECK_JS = 'dist/apps/deck-agent/src/testing/run-deck.js';

  async function servesCounter(r: Rig, agent: AgentProcess): Promise<void> {
    const register = await registeredBy(r, agent);
    expect(Object.keys(register.schema.instruments)).toEqual(['deck.counter']);
    await expect(r.call(r.payload('deck.counter', 'increment', { by: 2 }))).resolves.toMatchObject({ success: true, output: 2 });
    await expect(r.call(r.payload('deck.counter', 'increment'))).resolves.toMatchObject({ success: true, output: 3 });
  }

  const ownAgentEnv = (r: Rig) => ({ IVORYOS_DECK_NAME: r.deck, IVORYOS_DATA_DIR: join(r.tmp, 'data'), REDIS_URL: r.redisUrl, IVORYOS_HEARTBEAT_MS: '100' });

  it('starts an agent when the TypeScript deck is executed with tsx', async () => {
    const r = await rig();
    // `node --import tsx` is what `npx tsx` does, in one process the test can signal.
    const agent = r.start({ command: ['--import', 'tsx', RUN_DECK_TS], env: ownAgentEnv(r) });
    await servesCounter(r, agent);
    agent.kill('SIGTERM');
    await expect(agent.exited).resolves.toMatchObject({ code: 0 });
  });

  it('starts an agent when the compiled deck is executed with node', async () => {
    const r = await rig();
    const agent = r.start({ command: [RUN_DECK_JS], env: ownAgentEnv(r) });
    await servesCounter(r, agent);
    agent.kill('SIGTERM');
    await expect(agent.exited).resolves.toMatchObject({ code: 0 });
  });

  it('does nothing when the agent CLI loads the deck: one agent, one registration', async () => {
    const r = await rig();
    const agent = r.start({ deckFile: RUN_DECK_TS });
    await servesCounter(r, agent);
    await waitForMessage(r.redis, r.deck, 'heartbeat');
    expect(agent.logs().filter((l) => l.msg === 'agent started')).toHaveLength(1);
    expect((await streamMessages(r.redis, r.deck)).filter((s) => s.message.kind === 'register')).toHaveLength(1);
  });
});
