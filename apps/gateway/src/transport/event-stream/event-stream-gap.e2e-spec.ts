import { EntityManager } from '@mikro-orm/postgresql';
import IORedis, { type Redis } from 'ioredis';
import { CONTRACT_VERSION, DECK_SET_KEY, EVENT_CONSUMER_GROUP, STREAM_FIELD, streamKeys, type EventEnvelope, type RunEvent } from '@ivoryos/contracts';
import { RunEventRecord, WorkflowRun } from '@ivoryos/db';
import { waitFor } from '../../testing/test-agent';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway';

const DECK = 'gap_lab';

/**
 * A replica read a run's first events and died before acknowledging them; the surviving gateway
 * reads the next ones and finds a gap in the seq. It must apply the dead replica's pending events
 * itself, without waiting for them to be claimed as abandoned (30 s) or for the agent to re-send.
 */
describe('event stream: a gap left by a replica that died holding events', () => {
  let gw: TestGateway;
  let redis: Redis;
  let runId: string;
  const key = streamKeys.events(DECK);

  const send = (seq: number, event: RunEvent) => {
    const envelope: EventEnvelope = { runId, deck: DECK, seq, at: new Date(Date.UTC(2026, 10, 29, 0, 0, seq)).toISOString(), event };
    return redis.xadd(key, '*', STREAM_FIELD, JSON.stringify({ kind: 'run-event', schemaVersion: CONTRACT_VERSION, envelope }));
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    redis = new IORedis(gw.config.redisUrl);
    const em = gw.app.get(EntityManager).fork();
    const run = em.create(WorkflowRun, {
      name: 'gap', deck: DECK, status: 'running',
      workflowSnapshot: { name: 'gap', deck: DECK, status: 'editing', author: 'admin', script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] } },
    });
    await em.flush();
    runId = run.id;
  });

  afterAll(async () => {
    redis?.disconnect();
    await gw?.close();
  });

  it('applies the pending events before the gap at once, in seq order, and acknowledges everything', async () => {
    // The group exists before the gateway knows the deck, so the "dead replica" reads first.
    await redis.xgroup('CREATE', key, EVENT_CONSUMER_GROUP, '0', 'MKSTREAM');
    await send(1, { type: 'log', level: 'info', message: 'one' });
    await send(2, { type: 'log', level: 'info', message: 'two' });
    const held = (await redis.xreadgroup('GROUP', EVENT_CONSUMER_GROUP, 'dead-replica', 'COUNT', 2, 'STREAMS', key, '>')) as [string, unknown[]][];
    expect(held[0][1]).toHaveLength(2);
    await send(3, { type: 'log', level: 'info', message: 'three' });
    await send(4, { type: 'log', level: 'info', message: 'four' });
    await redis.sadd(DECK_SET_KEY, DECK);

    const em = gw.app.get(EntityManager);
    // Well under the 30 s after which abandoned entries are claimed; nothing here re-sends.
    await waitFor(async () => ((await em.fork().findOneOrFail(WorkflowRun, runId)).lastSeq === 4 ? true : undefined), 10_000, 'all four events applied');
    const ledger = await em.fork().find(RunEventRecord, { runId }, { orderBy: { seq: 'asc' } });
    expect(ledger.map((r) => [r.seq, (r.payload as { message?: string }).message])).toEqual([[1, 'one'], [2, 'two'], [3, 'three'], [4, 'four']]);
    // Acknowledged after the commit, so it may lag the ledger by a moment on a busy machine.
    const pending = async () => ((await redis.xpending(key, EVENT_CONSUMER_GROUP)) as [number, ...unknown[]])[0];
    await waitFor(async () => ((await pending()) === 0 ? true : undefined), 10_000, 'every entry acknowledged').catch(() => undefined);
    expect(await pending()).toBe(0);
  }, 30_000);
});
