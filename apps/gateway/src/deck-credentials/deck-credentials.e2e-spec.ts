import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { EntityManager } from '@mikro-orm/postgresql';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULL_PREFIX, CONTRACT_VERSION, DECK_SET_KEY, queueNames, STREAM_FIELD, streamKeys, type WorkflowAction } from '@ivoryos/contracts';
import { DeckCredential, WorkflowRun } from '@ivoryos/db';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis';
import { startTestAgent, waitFor, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { deckAclRules } from './deck-acl';
import { DeckAclReconciler } from './deck-acl.reconciler';
import { DeckCredentialsService } from './deck-credentials.service';

const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction =>
  ({ id, uuid: 1000 + id, instrument, action, args, return: '', ...extra }) as WorkflowAction;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A harmless command on the deck's own keys: succeeds exactly when the credential signs in. */
const probe = (conn: Redis, deck: string) => conn.exists(streamKeys.events(deck));
const deckName = (tag: string) => `${tag}_${randomBytes(3).toString('hex')}`;

/** ACL LOG entries as objects (Redis answers flat field/value lists). */
async function aclLog(admin: Redis): Promise<Record<string, string>[]> {
  const raw = (await admin.call('ACL', 'LOG')) as unknown[][];
  return raw.map((entry) => {
    const out: Record<string, string> = {};
    for (let i = 0; i < entry.length; i += 2) out[String(entry[i])] = String(entry[i + 1]);
    return out;
  });
}

/** XINFO GROUPS of a stream as objects; empty when the stream does not exist yet. */
async function groups(admin: Redis, key: string): Promise<Record<string, unknown>[]> {
  const raw = (await admin.xinfo('GROUPS', key).catch(() => [])) as unknown[][];
  return raw.map((fields) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i += 2) out[String(fields[i])] = fields[i + 1];
    return out;
  });
}

/** Until the gateway's consumer group has read and acknowledged the entry `id` of the stream. */
function handled(admin: Redis, key: string, id: string): Promise<true> {
  return waitFor(
    async () => ((await groups(admin, key)).some((g) => g['last-delivered-id'] === id && g.pending === 0) ? true : undefined),
    15_000,
    `the gateway to handle ${key} ${id}`,
  );
}

/**
 * Deck credentials against a private Redis locked down as in production (default user off, the
 * gateway has its own user): one ACL user per deck, created from PostgreSQL.
 */
describe('deck credentials: a Redis ACL user per deck', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let gw: TestGateway;
  let api: ReturnType<typeof request.agent>;
  let agentA: TestAgent;
  const A = deckName('cred_a');
  const B = deckName('cred_b');
  const tokens: Record<string, string> = {};

  const online = (deck: string, since = 0) =>
    waitFor(async () => {
      const body = (await api.get(`/api/decks/${deck}`)).body as { online?: boolean; lastSeenAt?: string };
      return body.online && Date.parse(body.lastSeenAt ?? '') > since ? true : undefined;
    }, 30_000, `deck ${deck} online`);
  const asDeck = (deck: string, token: string) => redis.client({ username: `deck_${deck}`, password: token, disableClientInfo: true, retryStrategy: () => null });
  const issue = async (deck: string) => {
    const res = await api.post(`/api/decks/${deck}/token`).expect(201);
    tokens[deck] = res.body.token as string;
    return res.body as { deck: string; token: string; redisUser: string; prefix: string; issuedAt: string };
  };
  const until = (id: string, statuses: string[]) =>
    waitFor(async () => {
      const r = (await api.get(`/api/runs/${id}`).expect(200)).body as { status: string; waiting?: { promptId: string } };
      return statuses.includes(r.status) ? r : undefined;
    }, 30_000, `run ${id} to be ${statuses.join('/')}`);

  beforeAll(async () => {
    redis = await startPrivateRedis({ lockDown: true });
    admin = redis.client();
    gw = await startTestGateway({ REDIS_URL: redis.url, IVORYOS_REQUIRE_DECK_TOKENS: 'true', IVORYOS_DECK_OFFLINE_AFTER_MS: '1500' });
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    await issue(A);
    await issue(B);
    agentA = startTestAgent({ redisUrl: redis.bareUrl, deck: A, env: { IVORYOS_DECK_TOKEN: tokens[A], LOG_LEVEL: 'info' } });
    await online(A).catch((e: Error) => {
      throw new Error(`${e.message}\n${agentA.output()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await agentA?.kill('SIGKILL');
    await gw?.close();
    await redis?.stop();
  });

  it('issues a token once and keeps only its SHA-256, which is the Redis user password', async () => {
    const row = await gw.app.get(EntityManager).fork().findOneOrFail(DeckCredential, { deck: A });
    expect(tokens[A]).toMatch(/^ivd_[A-Za-z0-9_-]{43}$/);
    expect(row.tokenHash).toBe(sha256(tokens[A]));
    expect(JSON.stringify(row)).not.toContain(tokens[A]);
    const user = (await admin.call('ACL', 'GETUSER', `deck_${A}`)) as unknown[];
    expect(user[user.indexOf('passwords') + 1]).toEqual([sha256(tokens[A])]);
    expect(String(user[user.indexOf('keys') + 1])).toBe(`~ivoryos:deck:${A}:* ~ivoryos:deck.${A}:*`);
    const clients = String(await admin.call('CLIENT', 'LIST'));
    expect(clients.split('\n').filter((l) => l.includes(`user=deck_${A}`)).length).toBeGreaterThanOrEqual(4);
  });

  it('lets the agent with its token register, serve direct calls and run a workflow with a control', async () => {
    const call = await api.post(`/api/decks/${A}/instruments/deck.sdl/analyze`).send({ param_1: 2, param_2: 3 }).expect(200);
    expect(call.body).toMatchObject({ success: true });
    await api.post('/api/workflows').send({
      name: `cred_${A}`, deck: A,
      script_dict: {
        prep: [], cleanup: [],
        script: [
          act(1, 'deck.bench', 'noop', { x: 1 }),
          act(2, 'input', 'count', { statement: 'How many?' }, { arg_types: { statement: 'int' }, return: 'count' }),
        ],
      },
    }).expect(201);
    const { body } = await api.post('/api/runs').send({ workflow: `cred_${A}` }).expect(201);
    const waiting = await until(body.id, ['waiting']);
    await api.post(`/api/runs/${body.id}/input`).send({ value: '3', promptId: waiting.waiting!.promptId }).expect(202);
    await until(body.id, ['completed']);
    expect(agentA.output()).not.toContain(tokens[A]);
    expect(agentA.output()).toContain(`"redisUser":"deck_${A} (token from settings)"`);
    // Everything above ran within the deck user's commands and keys: Redis refused nothing.
    expect((await aclLog(admin)).filter((e) => e.username === `deck_${A}`)).toEqual([]);
  }, 40_000);

  it("refuses another deck's credential: no forged event, no job taken, no commands read", async () => {
    const asB = asDeck(B, tokens[B]);
    const forged = JSON.stringify({ kind: 'register', deck: A, schema: { deck: A, hash: 'f'.repeat(64), instruments: {} }, agent: {}, at: new Date().toISOString() });
    await expect(asB.xadd(streamKeys.events(A), '*', STREAM_FIELD, forged)).rejects.toThrow(/NOPERM/);
    await expect(asB.xread('STREAMS', streamKeys.commands(A), '0')).rejects.toThrow(/NOPERM/);
    await expect(asB.xrange(streamKeys.events(A), '-', '+')).rejects.toThrow(/NOPERM/);
    await expect(asB.hset(streamKeys.confirmed(A), 'x', '1')).rejects.toThrow(/NOPERM/);
    await expect(asB.keys('*')).rejects.toThrow(/NOPERM/);
    await expect(asB.flushall()).rejects.toThrow(/NOPERM/);
    await expect(asB.smembers(DECK_SET_KEY)).rejects.toThrow(/NOPERM/);
    await expect(asB.srem(DECK_SET_KEY, A)).rejects.toThrow(/NOPERM/);
    await expect(asB.publish('ivoryos:run-updates', '{}')).rejects.toThrow(/NOPERM/);
    expect(await asB.sadd(DECK_SET_KEY, B)).toBeGreaterThanOrEqual(0);

    // A BullMQ worker on deck A's queue signed in as deck B never gets a job.
    const taken: string[] = [];
    const errors: string[] = [];
    const connection = redis.client({ username: `deck_${B}`, password: tokens[B], disableClientInfo: true, maxRetriesPerRequest: null });
    const thief = new Worker(queueNames.deck(A), async (job) => void taken.push(String(job.id)), {
      connection, prefix: BULL_PREFIX, concurrency: 1, maxStalledCount: 0,
    });
    thief.on('error', (err) => errors.push(err.message));
    await waitFor(() => (errors.some((m) => /NOPERM/.test(m)) ? true : undefined), 10_000, 'the thief worker to be refused');
    for (let i = 0; i < 3; i++) {
      expect((await api.post(`/api/decks/${A}/instruments/deck.bench/noop`).send({ x: i }).expect(200)).body.success).toBe(true);
    }
    await thief.close(true);
    expect(taken).toEqual([]);
  }, 30_000);

  it("drops messages in a deck's own stream that speak for another deck or another deck's run", async () => {
    const asB = asDeck(B, tokens[B]);
    const em = gw.app.get(EntityManager).fork();
    const runOfA = await em.findOneOrFail(WorkflowRun, { deck: A }, { orderBy: { createdAt: 'desc' } });
    const register = { kind: 'register', schemaVersion: CONTRACT_VERSION, deck: A, schema: { deck: A, schemaVersion: 1, hash: 'e'.repeat(64), instruments: {} }, agent: { pid: 1, host: 'x', version: '0', startedAt: new Date().toISOString() }, at: new Date().toISOString() };
    const runEvent = { kind: 'run-event', schemaVersion: CONTRACT_VERSION, envelope: { runId: runOfA.id, deck: A, seq: runOfA.lastSeq + 1, at: new Date().toISOString(), event: { type: 'run.status', status: 'failed', error: 'forged' } } };
    const ids = [
      await asB.xadd(streamKeys.events(B), '*', STREAM_FIELD, JSON.stringify(register)),
      await asB.xadd(streamKeys.events(B), '*', STREAM_FIELD, JSON.stringify(runEvent)),
    ];
    // The gateway reads deck B's stream (B has a token) and acknowledges both entries.
    await handled(admin, streamKeys.events(B), ids[1]!);
    const deck = (await api.get(`/api/decks/${A}`).expect(200)).body as { schemaHash: string };
    expect(deck.schemaHash).not.toBe('e'.repeat(64));
    const after = await em.fork().findOneOrFail(WorkflowRun, { id: runOfA.id });
    expect({ status: after.status, lastSeq: after.lastSeq }).toEqual({ status: 'completed', lastSeq: runOfA.lastSeq });
  }, 30_000);

  it('does not read the streams of announced decks without a token, however many a deck announces', async () => {
    const C = deckName('cred_c');
    const agent = { pid: 1, host: 'x', version: '0', startedAt: new Date().toISOString() };
    const register = { kind: 'register', schemaVersion: CONTRACT_VERSION, deck: C, schema: { deck: C, schemaVersion: 1, hash: 'c'.repeat(64), instruments: {} }, agent, at: new Date().toISOString() };
    await admin.sadd(DECK_SET_KEY, C);
    await admin.xadd(streamKeys.events(C), '*', STREAM_FIELD, JSON.stringify(register));
    // Deck B's agent may SADD to the shared set: it announces a flood of names.
    const bogus = Array.from({ length: 2000 }, (_, i) => `bogus_${i}_${randomBytes(2).toString('hex')}`);
    const asB = asDeck(B, tokens[B]);
    expect(await asB.sadd(DECK_SET_KEY, ...bogus)).toBe(bogus.length);
    // Two entries of deck B handled one after the other: the gateway has since listed the decks again.
    const heartbeat = () => JSON.stringify({ kind: 'heartbeat', schemaVersion: CONTRACT_VERSION, deck: B, agent, status: 'idle', schemaHash: '', at: new Date().toISOString() });
    for (let i = 0; i < 2; i++) await handled(admin, streamKeys.events(B), (await asB.xadd(streamKeys.events(B), '*', STREAM_FIELD, heartbeat()))!);
    expect(await admin.exists(...bogus.map((d) => streamKeys.events(d)))).toBe(0);
    expect(await groups(admin, streamKeys.events(C))).toEqual([]);
    await api.get(`/api/decks/${C}`).expect(404);
    // Without a token an agent cannot even sign in: the default user is off.
    const anonymous = redis.client({ username: undefined, password: undefined, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await expect(anonymous.xadd(streamKeys.events(A), '*', STREAM_FIELD, '{}')).rejects.toThrow(/NOAUTH|WRONGPASS|NOPERM/);
    // A real agent started without a token says what it lacks and how to get it.
    const tokenless = startTestAgent({ redisUrl: redis.bareUrl, deck: C });
    try {
      await waitFor(() => (tokenless.output().includes('this agent has no deck token') ? true : undefined), 15_000, 'the agent to explain the refusal');
      expect(tokenless.output()).toContain(`POST /api/decks/<deck>/token`);
    } finally {
      await tokenless.kill('SIGKILL');
    }
  }, 30_000);

  it("accepts a deck whose token another replica issued a moment ago, before its list of decks with tokens is read again", async () => {
    const credentials = gw.app.get(DeckCredentialsService);
    const D = deckName('cred_d');
    expect(await credentials.accepts(D)).toBe(false);
    // Written as another replica's issue would be: this one's cached list does not have it yet.
    const em = gw.app.get(EntityManager).fork();
    em.create(DeckCredential, { deck: D, tokenHash: sha256(`ivd_${D}`), prefix: 'ivd_elsewhere', issuedBy: 'admin' });
    await em.flush();
    expect(await credentials.accepts(D)).toBe(true);
    expect(await credentials.accepts(deckName('cred_none'))).toBe(false);
  });

  it('refuses a replaced token at once, and a revoked one', async () => {
    const old = tokens[A];
    const oldConn = asDeck(A, old);
    expect(await probe(oldConn, A)).toBeGreaterThanOrEqual(0);
    await issue(A);
    // The open connection is closed and the old token no longer signs in.
    await waitFor(() => (oldConn.status === 'end' || oldConn.status === 'close' ? true : undefined), 5000, 'the old connection to close');
    await expect(probe(asDeck(A, old), A)).rejects.toThrow(/WRONGPASS/);
    expect(await probe(asDeck(A, tokens[A]), A)).toBeGreaterThanOrEqual(0);

    await agentA.kill('SIGKILL');
    const restartedAt = Date.now();
    agentA = startTestAgent({ redisUrl: redis.bareUrl, deck: A, env: { IVORYOS_DECK_TOKEN: tokens[A], LOG_LEVEL: 'info' } });
    await online(A, restartedAt);

    const connB = asDeck(B, tokens[B]);
    expect(await probe(connB, B)).toBeGreaterThanOrEqual(0);
    await api.delete(`/api/decks/${B}/token`).expect(204);
    await waitFor(() => (connB.status === 'end' || connB.status === 'close' ? true : undefined), 5000, "deck B's connection to close");
    await expect(probe(asDeck(B, tokens[B]), B)).rejects.toThrow(/WRONGPASS/);
    expect(await admin.call('ACL', 'GETUSER', `deck_${B}`)).toBeNull();
    await api.delete(`/api/decks/${B}/token`).expect(404);
  }, 40_000);

  it('reconciles each deck from its row as it is then: a token revoked or replaced during a pass stays so', async () => {
    const reconciler = gw.app.get(DeckAclReconciler);
    const credentials = gw.app.get(DeckCredentialsService);
    const R = deckName('cred_r');
    const S = deckName('cred_s');
    await issue(R);
    await issue(S);
    const [revoked, replaced] = [tokens[R], tokens[S]];
    // Let a pass under way finish, so the next one reads the rows through the hook below.
    await reconciler.reconcile();
    const all = credentials.all.bind(credentials);
    const listed = jest.spyOn(credentials, 'all').mockImplementationOnce(async () => {
      const rows = await all();
      // Revoked and replaced after the pass read the rows, before it reaches those decks.
      await api.delete(`/api/decks/${R}/token`).expect(204);
      await issue(S);
      return rows;
    });
    try {
      await reconciler.reconcile();
      expect(listed).toHaveBeenCalled();
    } finally {
      listed.mockRestore();
    }
    await expect(probe(asDeck(R, revoked), R)).rejects.toThrow(/WRONGPASS/);
    expect(await admin.call('ACL', 'GETUSER', `deck_${R}`)).toBeNull();
    await expect(probe(asDeck(S, replaced), S)).rejects.toThrow(/WRONGPASS/);
    expect(await probe(asDeck(S, tokens[S]), S)).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('deletes deck users without a row, and replaces a stale hash closing its connections', async () => {
    const orphan = deckName('cred_o');
    await admin.call('ACL', 'SETUSER', ...deckAclRules(orphan, sha256('orphan-token')));
    const S = deckName('cred_s');
    await issue(S);
    // As a stale write would leave it: Redis has another hash than the row, and a connection signed in with it.
    await admin.call('ACL', 'SETUSER', ...deckAclRules(S, sha256('stale-token')));
    const stale = asDeck(S, 'stale-token');
    expect(await probe(stale, S)).toBeGreaterThanOrEqual(0);
    await gw.app.get(DeckAclReconciler).reconcile();
    expect(await admin.call('ACL', 'GETUSER', `deck_${orphan}`)).toBeNull();
    await waitFor(() => (stale.status === 'end' || stale.status === 'close' ? true : undefined), 5000, 'the stale connection to close');
    await expect(probe(asDeck(S, 'stale-token'), S)).rejects.toThrow(/WRONGPASS/);
    expect(await probe(asDeck(S, tokens[S]), S)).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('recreates the ACL users after Redis restarts empty, and the agent reconnects', async () => {
    await redis.restart();
    const restartedAt = Date.now();
    await waitFor(async () => ((await admin.call('ACL', 'GETUSER', `deck_${A}`).catch(() => null)) ? true : undefined), 15_000, `deck_${A} to be recreated`);
    expect(await admin.call('ACL', 'GETUSER', `deck_${B}`)).toBeNull();
    await online(A, restartedAt).catch((e: Error) => {
      throw new Error(`${e.message}\n${agentA.output()}`);
    });
    const call = await api.post(`/api/decks/${A}/instruments/deck.sdl/analyze`).send({ param_1: 1, param_2: 1 }).expect(200);
    expect(call.body.success).toBe(true);
  }, 60_000);
});
