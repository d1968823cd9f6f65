import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import pino from 'pino';
import { EVENT_CONSUMER_GROUP, streamKeys, type EventEnvelope, type RunEvent } from '@ivoryos/contracts';
import { Journal } from './journal';
import { Outbox } from './outbox';
import { streamMessages, TEST_REDIS_URL, uniqueDeck, waitFor } from './testing/agent-harness';
import { runJob, workflow } from './testing/workflow-builders';

// One journal, one outbox and a deck of the test's own on the shared Redis per test.
let deck: string;
let dir: string;
let journal: Journal;
let redis: Redis;
let probe: Redis;
let outbox: Outbox;

beforeEach(async () => {
  deck = uniqueDeck();
  dir = mkdtempSync(join(tmpdir(), 'ivoryos-outbox-'));
  journal = Journal.open(dir, deck, { fsync: false });
  redis = new IORedis(TEST_REDIS_URL, { enableOfflineQueue: false });
  probe = new IORedis(TEST_REDIS_URL);
  await waitFor('redis', () => redis.status === 'ready');
  outbox = new Outbox(redis, deck, journal, pino({ level: 'silent' }), { verifyMs: 100, stallMs: 300 });
  outbox.start();
});

afterEach(async () => {
  outbox.stop();
  await probe.del(streamKeys.events(deck), streamKeys.confirmed(deck));
  redis.disconnect();
  probe.disconnect();
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const job = (runId: string) => runJob(deck, workflow([]), { runId });
const log = (runId: string, seq: number, event: RunEvent = { type: 'log', level: 'info', message: `#${seq}` }): EventEnvelope => ({ runId, deck, seq, at: 't', event });

function emit(runId: string, from: number, to: number, last?: RunEvent): void {
  for (let seq = from; seq <= to; seq++) journal.appendEvent(log(runId, seq, seq === to && last ? last : undefined));
  outbox.notify();
}

async function sentSeqs(runId: string): Promise<number[]> {
  return (await streamMessages(probe, deck)).flatMap((s) => (s.message.kind === 'run-event' && s.message.envelope.runId === runId ? [s.message.envelope.seq] : []));
}

describe('Outbox', () => {
  it('sends journaled events in seq order, once, and keeps them until the gateway confirms', async () => {
    journal.appendAccepted(job('a'), 't');
    emit('a', 1, 1200);
    await waitFor('every event on the stream', async () => (await sentSeqs('a')).length >= 1200);
    expect(await sentSeqs('a')).toEqual(Array.from({ length: 1200 }, (_v, i) => i + 1));
    expect(journal.runs.runs.get('a')!.pending).toHaveLength(1200);
    await probe.hset(streamKeys.confirmed(deck), 'a', '1000');
    await waitFor('the confirmation to be read', () => journal.runs.runs.get('a')!.pending.length === 200);
    expect(outbox.unsent()).toBe(0);
    expect(await sentSeqs('a')).toHaveLength(1200);
  });

  it('sends again what the stream lost (deleted, or a Redis that came back from an older snapshot)', async () => {
    journal.appendAccepted(job('b'), 't');
    emit('b', 1, 10);
    await waitFor('ten events', async () => (await sentSeqs('b')).length === 10);
    // The newest four entries vanish, as after a restart from a snapshot taken earlier.
    const entries = await probe.xrange(streamKeys.events(deck), '-', '+');
    await probe.xdel(streamKeys.events(deck), ...entries.slice(-4).map(([id]) => id));
    await waitFor('the lost four again', async () => (await sentSeqs('b')).join() === '1,2,3,4,5,6,7,8,9,10');
    await probe.del(streamKeys.events(deck));
    await waitFor('all ten again after a wipe', async () => (await sentSeqs('b')).length === 10);
  });

  it('does not send again what MAXLEN trimmed while no gateway reads, until a gateway reads and stalls on the gap', async () => {
    journal.appendAccepted(job('t'), 't');
    journal.appendAccepted(job('u'), 't');
    emit('t', 1, 10);
    await waitFor('ten events', async () => (await sentSeqs('t')).length === 10);
    emit('u', 1, 3);
    await waitFor('three more', async () => (await sentSeqs('u')).length === 3);
    // Trimming takes the oldest entries: part of an old run, or all of it.
    const entries = await probe.xrange(streamKeys.events(deck), '-', '+');
    await probe.xdel(streamKeys.events(deck), ...entries.slice(0, 4).map(([id]) => id));
    await new Promise((r) => setTimeout(r, 350)); // several verification rounds (every 100 ms here)
    expect(await sentSeqs('t')).toEqual([5, 6, 7, 8, 9, 10]);
    await probe.xdel(streamKeys.events(deck), ...entries.slice(4, 10).map(([id]) => id));
    await new Promise((r) => setTimeout(r, 350));
    expect(await sentSeqs('t')).toEqual([]);
    expect(await sentSeqs('u')).toEqual([1, 2, 3]);

    await probe.xgroup('CREATE', streamKeys.events(deck), EVENT_CONSUMER_GROUP, '0');
    await probe.xreadgroup('GROUP', EVENT_CONSUMER_GROUP, 'gw-1', 'COUNT', 100, 'STREAMS', streamKeys.events(deck), '>');
    await waitFor('the trimmed run again', async () => (await sentSeqs('t')).length === 10, 5000);
    expect(await sentSeqs('t')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('sends again what the gateway read but never confirmed, and stops once it confirms', async () => {
    journal.appendAccepted(job('c'), 't');
    emit('c', 1, 3);
    await waitFor('three events', async () => (await sentSeqs('c')).length === 3);
    await probe.xgroup('CREATE', streamKeys.events(deck), EVENT_CONSUMER_GROUP, '0');
    await probe.xreadgroup('GROUP', EVENT_CONSUMER_GROUP, 'gw-1', 'COUNT', 100, 'STREAMS', streamKeys.events(deck), '>');
    await waitFor('a re-send', async () => (await sentSeqs('c')).length === 6, 5000);
    expect(await sentSeqs('c')).toEqual([1, 2, 3, 1, 2, 3]);
    await probe.hset(streamKeys.confirmed(deck), 'c', '3');
    await waitFor('the confirmation', () => journal.runs.runs.get('c')!.pending.length === 0);
    const settled = (await sentSeqs('c')).length;
    await probe.xreadgroup('GROUP', EVENT_CONSUMER_GROUP, 'gw-1', 'COUNT', 100, 'STREAMS', streamKeys.events(deck), '>');
    // Two more verification rounds: nothing unconfirmed is left, so nothing is sent again.
    await new Promise((r) => setTimeout(r, 250));
    expect(await sentSeqs('c')).toHaveLength(settled);
  });

  it('retires an ended run from the journal once its last event is confirmed', async () => {
    journal.appendAccepted(job('d'), 't');
    emit('d', 1, 4, { type: 'run.status', status: 'completed', waiting: null, error: null });
    await waitFor('four events', async () => (await sentSeqs('d')).length === 4);
    await probe.hset(streamKeys.confirmed(deck), 'd', '4');
    await waitFor('the run retired', () => journal.runs.done.has('d'));
    expect(journal.runs.runs.has('d')).toBe(false);
    await waitFor('its confirmation removed', async () => (await probe.hexists(streamKeys.confirmed(deck), 'd')) === 0);
  });
});
