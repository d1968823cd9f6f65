import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import {
  CONTRACT_VERSION,
  BULL_PREFIX, DECK_SET_KEY, jobNames, queueNames, type DeckSchema, type DirectCallJob, type DirectCallResult, type JsonObject,
} from '@ivoryos/contracts';
import {
  AgentProcess, assertBuilt, callLog, cleanupDeck, streamMessages, TEST_REDIS_URL, uniqueDeck, waitFor, waitForMessage,
} from './testing/agent-harness';

// Agent processes start in about a second each; jest's per-project testTimeout does not apply here.
jest.setTimeout(60_000);

// One demo-deck agent process (from the build output) serves every test in this file.
const deck = uniqueDeck();
const REDIS_PASSWORD = `pw-${randomUUID()}`;
let tmp: string;
let calls: string;
let agent: AgentProcess;
let redis: Redis;
let queue: Queue;
let events: QueueEvents;
let startMs: number;

beforeAll(async () => {
  assertBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'ivoryos-agent-'));
  calls = join(tmp, 'calls.log');
  redis = new IORedis(TEST_REDIS_URL);
  const began = Date.now();
  // The shared Redis has no password; ioredis goes on without one, and the URL's password must not reach the logs.
  const withPassword = TEST_REDIS_URL.replace('redis://', `redis://:${REDIS_PASSWORD}@`);
  agent = new AgentProcess({ deck, dataDir: join(tmp, 'data'), redisUrl: withPassword, cwd: tmp, env: { IVORYOS_SIM_CALL_LOG: calls } });
  await waitForMessage(redis, deck, 'register', undefined, 45_000); // the first agent of a run types the deck (seconds when loaded)
  startMs = Date.now() - began;
  queue = new Queue(queueNames.deck(deck), { connection: { url: TEST_REDIS_URL }, prefix: BULL_PREFIX });
  events = new QueueEvents(queueNames.deck(deck), { connection: { url: TEST_REDIS_URL }, prefix: BULL_PREFIX });
  await events.waitUntilReady();
});

afterAll(async () => {
  await agent?.dispose();
  await queue?.close();
  await events?.close();
  await cleanupDeck(TEST_REDIS_URL, deck);
  redis?.disconnect();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  console.info(`agent start (spawn → register on the stream): ${startMs} ms`);
});

function payload(instrument: string, action: string, kwargs: JsonObject = {}, over: Partial<DirectCallJob> = {}): DirectCallJob {
  return { schemaVersion: CONTRACT_VERSION, callId: randomUUID(), deck, instrument, action, kwargs, deadline: Date.now() + 15_000, calledBy: 'int-test', ...over };
}

async function call(job: DirectCallJob): Promise<DirectCallResult> {
  const added = await queue.add(jobNames.directCall, job, { jobId: job.callId, attempts: 1 });
  return (await added.waitUntilFinished(events, 15_000)) as DirectCallResult;
}

function linesFor(entry: string): number {
  return callLog(calls).filter((l) => l.startsWith(entry)).length;
}

describe('registration', () => {
  let schema: DeckSchema;
  beforeAll(async () => {
    schema = (await waitForMessage(redis, deck, 'register')).schema;
  });

  it('registers the demo deck with its schema on the deck stream and in the deck set', async () => {
    const register = await waitForMessage(redis, deck, 'register');
    expect(register).toMatchObject({ deck, agent: { pid: agent.pid, version: expect.any(String), startedAt: expect.any(String) } });
    expect(Object.keys(schema.instruments).sort()).toEqual(['deck.balance', 'deck.bench', 'deck.pump', 'deck.sdl']);
    expect(await redis.sismember(DECK_SET_KEY, deck)).toBe(1);
  });

  it('carries enum choices, defaults, the tuple return and the getter/setter pair', () => {
    const sdl = schema.instruments['deck.sdl']!.actions;
    expect(sdl['dose_solvent']!.params).toEqual([
      expect.objectContaining({ name: 'solvent_name', required: false, type: [`Enum:${deck}.Solvent`, 'NoneType'], choices: [
        { name: 'Methanol', value: 'Methanol' }, { name: 'Ethanol', value: 'Ethanol' }, { name: 'Acetone', value: 'Acetone' },
      ] }),
      expect.objectContaining({ name: 'amount_in_ml', default: 5, required: false }),
      expect.objectContaining({ name: 'rate_ml_per_minute', default: 1, required: false }),
    ]);
    expect(sdl['analyze']!.params.map((p) => p.type)).toEqual(['int', 'int']);
    expect(sdl['measure']!.returns).toMatchObject({ kind: 'tuple', types: ['float', 'float', 'str'], arity: 3 });
    expect(sdl['_send_command']).toBeUndefined();
    const balance = schema.instruments['deck.balance']!.actions;
    expect(balance['tare_offset']).toMatchObject({ kind: 'getter', params: [] });
    expect(balance['tare_offset_(setter)']).toMatchObject({ kind: 'setter', params: [{ name: 'value', type: 'float', required: true }] });
  });

  it('sends heartbeats with the schema hash', async () => {
    const beats = await waitFor('three heartbeats', async () => {
      const found = (await streamMessages(redis, deck)).filter((s) => s.message.kind === 'heartbeat');
      return found.length >= 3 && found;
    });
    expect(beats[0]!.message).toMatchObject({ kind: 'heartbeat', deck, status: 'idle', schemaHash: schema.hash, agent: { pid: agent.pid } });
  });

  it('writes the schema to pseudo_deck/<deck>.json', () => {
    const file = join(tmp, 'data', 'pseudo_deck', `${deck}.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(schema);
  });

  // A deck token makes every connection sign in as the deck's Redis user, which this shared Redis
  // has not got; deck-credentials.e2e-spec.ts runs agents with tokens against a Redis of its own.
  it('logs JSON lines naming the deck, with the Redis password redacted', () => {
    const logs = agent.logs();
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['agent started', 'registered']));
    expect(logs.every((l) => l.deck === deck)).toBe(true);
    const out = agent.stdout.join('\n');
    expect(out).not.toContain(REDIS_PASSWORD);
    expect(logs.find((l) => l.msg === 'agent started')).toMatchObject({ redisUser: 'none (no deck token)', redis: expect.stringContaining(':***@') });
  });
});

describe('direct calls through BullMQ', () => {
  it('runs a call and returns its output; the instrument is called exactly once', async () => {
    const before = linesFor('sdl measure');
    const t0 = performance.now();
    const result = await call(payload('deck.sdl', 'measure'));
    const roundTrip = performance.now() - t0;
    expect(result).toMatchObject({ ran: true, success: true, error: null });
    expect(result.output).toEqual([expect.any(Number), 25, 'ok']);
    expect(Date.parse(result.endedAt!)).toBeGreaterThanOrEqual(Date.parse(result.startedAt!));
    expect(linesFor('sdl measure')).toBe(before + 1);
    console.info(`direct call round trip (Queue.add → result): ${roundTrip.toFixed(1)} ms`);
  });

  it('maps keyword arguments to positions by the schema, and missing optional ones take their defaults', async () => {
    await call(payload('deck.sdl', 'analyze', { param_2: 7, param_1: 3 }));
    await call(payload('deck.sdl', 'dose_solvent', { amount_in_ml: 2 }));
    await call(payload('deck.pump', 'dose_liquid', { rate_ml_per_minute: 4, amount_in_ml: 3 }));
    const log = callLog(calls);
    expect(log).toContain('sdl analyze {"param_1":3,"param_2":7}');
    expect(log).toContain('sdl dose_solvent {"solvent_name":null,"amount_in_ml":2,"rate_ml_per_minute":1}');
    expect(log).toContain('pump dose_liquid {"amount_in_ml":3,"rate_ml_per_minute":4}');
  });

  it('assigns through a setter and reads a getter', async () => {
    await expect(call(payload('deck.balance', 'tare_offset_(setter)', { value: 5 }))).resolves.toMatchObject({ success: true, output: null });
    await expect(call(payload('deck.balance', 'tare_offset'))).resolves.toMatchObject({ success: true, output: 5 });
    await expect(call(payload('deck.balance', 'weigh_sample'))).resolves.toMatchObject({ success: true, output: 105 });
    expect(callLog(calls)).toContain('balance tare_offset_(setter) {"value":5}');
  });

  it('answers a driver exception as success false with its message (the job itself completes)', async () => {
    const job = payload('deck.sdl', 'always_fail');
    const result = await call(job);
    expect(result).toMatchObject({ ran: true, success: false, error: 'this step always fails', output: null });
    expect(await queue.getJobState(job.callId)).toBe('completed');
  });

  it('refuses a method outside the registered schema without calling anything', async () => {
    const before = callLog(calls).length;
    await expect(call(payload('deck.sdl', '_send_command', { command: 'x' }))).resolves.toMatchObject({ ran: false, success: false, notRun: 'not-in-schema' });
    await expect(call(payload('deck.sdl', 'no_such_method'))).resolves.toMatchObject({ ran: false, notRun: 'not-in-schema' });
    await expect(call(payload('deck.nothing', 'measure'))).resolves.toMatchObject({ ran: false, notRun: 'not-in-schema' });
    await expect(call(payload('deck.sdl', 'equilibrate', { temp: 1 }))).resolves.toMatchObject({ ran: false, notRun: 'invalid-arguments', error: expect.stringContaining("'duration'") });
    expect(callLog(calls).length).toBe(before);
  });

  it('does not run a call whose deadline has passed', async () => {
    const before = callLog(calls).length;
    const result = await call(payload('deck.sdl', 'measure', {}, { deadline: Date.now() - 1 }));
    expect(result).toMatchObject({ ran: false, success: false, error: 'the caller gave up before the call started', notRun: 'deadline-passed', startedAt: null });
    expect(callLog(calls).length).toBe(before);
  });

  it('never calls twice for the same job id added again after completion', async () => {
    const job = payload('deck.bench', 'noop', { x: 41 });
    const first = await call(job);
    expect(first).toMatchObject({ ran: true, success: true, output: 41 });
    await (await queue.getJob(job.callId))!.remove();
    const second = await call(job);
    expect(second).toEqual(first);
    expect(callLog(calls).filter((l) => l === 'bench noop {"x":41}')).toHaveLength(1);
  });

  it('fails a job with a malformed payload, naming the problem', async () => {
    const id = randomUUID();
    const added = await queue.add(jobNames.directCall, { schemaVersion: CONTRACT_VERSION, callId: id, deck, instrument: 'deck.sdl' }, { jobId: id, attempts: 1 });
    await expect(added.waitUntilFinished(events, 15_000)).rejects.toThrow(/malformed direct.call payload: action: /);
  });

  it('runs calls first-in-first-out, one at a time, reporting busy while one runs', async () => {
    const jobs = [
      payload('deck.sdl', 'equilibrate', { temp: 1, duration: 0.8 }),
      payload('deck.bench', 'noop', { x: 1001 }),
      payload('deck.bench', 'noop', { x: 1002 }),
    ];
    const added = await queue.addBulk(jobs.map((data) => ({ name: jobNames.directCall, data, opts: { jobId: data.callId, attempts: 1 } })));
    await waitForMessage(redis, deck, 'heartbeat', (m) => m.status === 'busy');
    const results = (await Promise.all(added.map((j) => j.waitUntilFinished(events, 15_000)))) as DirectCallResult[];
    expect(results.every((r) => r.success)).toBe(true);
    expect(Date.parse(results[1]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(results[0]!.endedAt!));
    const log = callLog(calls);
    const at = (line: string) => log.indexOf(line);
    expect(at('sdl equilibrate {"temp":1,"duration":0.8}')).toBeLessThan(at('bench noop {"x":1001}'));
    expect(at('bench noop {"x":1001}')).toBeLessThan(at('bench noop {"x":1002}'));
  });
});
