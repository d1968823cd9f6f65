import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { channelNames, type EventEnvelope, type RunEvent } from '@ivoryos/contracts';
import { RunEventRecord, WebhookDeliveryRecord, WorkflowRun } from '@ivoryos/db';
import { TestAuth } from '@ivoryos/testing';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway';
import { RunEventIngestor } from '../ingest/run-event-ingestor';
import { RunUpdates } from '../ingest/run-updates';
import { WebhookNotifier, type DeliveryResult } from '../notify/webhook-notifier.service';
import { verifyWebhookSignature } from '../notify/webhook-signature';
import { RunFilesMirror } from '../records/run-files.mirror';
import { resultsFileName, runLogFileName } from '../records/run-log-format';
import { RunStreamHub } from './run-stream-hub';
import { SseTestClient, waitUntil } from './testing/sse-client';

const SECRET = 'e2e-webhook-secret-0123456789abcdef';
const DECK = 'live_lab';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver on 127.0.0.1 that answers 500 to the first call on /flaky. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let flakyCalls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const fail = req.url === '/flaky' && flakyCalls++ === 0;
      res.statusCode = fail ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('run live view, log, file mirrors and webhooks', () => {
  let gw: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let auth: { authorization: string };
  let runId: string;
  let seq = 0;
  const deliveries: DeliveryResult[] = [];
  const t0 = Date.UTC(2026, 4, 14, 8, 30, 0);

  const sent: EventEnvelope[] = [];
  const env = (event: RunEvent): EventEnvelope => {
    seq++;
    const envelope = { runId, deck: DECK, seq, at: new Date(t0 + seq * 1000).toISOString(), event };
    sent.push(envelope);
    return envelope;
  };
  /** Through the real ingestion path: ledger, run state, commit, then the in-process and Redis notifications. */
  const ingest = async (...events: RunEvent[]) => {
    const envelopes = events.map(env);
    expect(await gw.app.get(RunEventIngestor).ingest(envelopes)).toBe(envelopes.length);
  };
  const eventsUrl = (id = runId, query = '') => `${gw.url}/api/runs/${id}/events${query}`;

  beforeAll(async () => {
    receiver = await startReceiver();
    gw = await startTestGateway({ IVORYOS_WEBHOOK_SECRET: SECRET, IVORYOS_WEBHOOK_ALLOW: '127.0.0.1' });
    auth = { authorization: `Bearer ${gw.adminToken}` };
    gw.app.get(WebhookNotifier).results.subscribe((r) => deliveries.push(r));
    const em = gw.app.get(EntityManager).fork();
    const run = em.create(WorkflowRun, {
      name: 'live dose/series', deck: DECK, workflowName: 'live dose', mode: 'parameters', parameters: [{ amount: 5 }],
      startedBy: 'admin', startedByKind: 'user', externalId: 'LIMS-42', metadata: { batch: 7 },
      notify: [`${receiver.url}/hook`, `${receiver.url}/flaky`, `http://127.0.0.2:${new URL(receiver.url).port}/outside`],
      workflowSnapshot: {
        name: 'live dose', deck: DECK, status: 'finalized', author: 'admin',
        script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] },
      },
    });
    await em.flush();
    runId = run.id;
  });

  afterAll(async () => {
    await gw?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('answers 404 as JSON before any SSE header for an unknown run, 400 for a bad id, 401 without credentials', async () => {
    const missing = await fetch(eventsUrl(randomUUID()), { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect(((await missing.json()) as { message: string }).message).toContain('not found');
    const bad = await fetch(eventsUrl('not-a-uuid'), { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([{ path: 'id', message: 'must be a run UUID or a run number' }]);
    expect((await fetch(eventsUrl(), {})).status).toBe(401);
    const badCursor = await fetch(eventsUrl(), { headers: { ...auth, 'last-event-id': 'x' } });
    expect(badCursor.status).toBe(400);
  });

  it('streams the snapshot first, then each ledger event in order with its seq as id (no checkpoints)', async () => {
    // Browsers' EventSource can only send cookies: use a viewer's session cookie here.
    const viewer = await new TestAuth({ baseUrl: gw.url, em: gw.app.get(EntityManager) }).session('viewer');
    const sse = await SseTestClient.open(eventsUrl(), { cookie: viewer.cookie });
    expect(sse.response.status).toBe(200);
    expect(sse.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const [snapshot] = await sse.waitForCount(1);
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { id: runId, status: 'queued', phases: [] } });
    expect(snapshot.id).toBeUndefined();

    await ingest(
      { type: 'run.status', status: 'running' },
      { type: 'phase.started', phase: 'main', repeatIndex: 1, parameters: [{ amount: 5 }] },
      { type: 'step.started', phase: 'main', repeatIndex: 1, stepIndex: 1, sample: 0, instrument: 'deck.sdl', methodName: 'dose_solid', args: { amount_in_mg: 5 }, attempt: 1 },
      { type: 'log', level: 'info', message: 'dosing 5 mg' },
      { type: 'checkpoint', checkpoint: { position: 1 } },
    );
    await ingest(
      {
        type: 'step.finished', phase: 'main', repeatIndex: 1, stepIndex: 1, sample: 0, instrument: 'deck.sdl', methodName: 'dose_solid',
        args: { amount_in_mg: 5 }, attempt: 1, status: 'completed', output: 0.5, context: { amount: 5, mass: 0.5 },
      },
      { type: 'progress', iteration: 1, total: 1, step: 1, steps: 1 },
      { type: 'run.status', status: 'waiting', waiting: { promptId: 'p1', kind: 'pause', message: 'Refill the vial', since: new Date(t0).toISOString() } },
    );
    const events = await sse.waitForCount(9);
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['snapshot', undefined], ['status', '1'], ['phase', '2'], ['step', '3'], ['log', '4'], // seq 5, the checkpoint, is not sent
      ['step', '6'], ['progress', '7'], ['status', '8'], ['prompt', '8'],
    ]);
    expect(events[4].data).toEqual({ seq: 4, at: new Date(t0 + 4000).toISOString(), type: 'log', level: 'info', message: 'dosing 5 mg' });
    expect(events[8].data).toMatchObject({ seq: 8, type: 'run.status', status: 'waiting', waiting: { promptId: 'p1', message: 'Refill the vial' } });
    sse.close();
    await waitUntil(() => gw.app.get(RunStreamHub).count(runId) === 0, 5000, () => 'the closed stream to be cleaned up');
  });

  it('resumes after Last-Event-ID with the snapshot and exactly the missed events, and ends after the final status', async () => {
    // Events committed while the client is away.
    await ingest(
      { type: 'run.status', status: 'running', waiting: null },
      { type: 'log', level: 'info', message: 'two\nlines' },
      { type: 'phase.finished', phase: 'main', repeatIndex: 1, outputs: [{ amount: 5, mass: 0.5 }] },
    );
    const sse = await SseTestClient.open(eventsUrl(), { ...auth, 'last-event-id': '8' });
    const resumed = await sse.waitForCount(4);
    expect(resumed[0]).toMatchObject({ event: 'snapshot', data: { id: runId, status: 'running', phases: [{ name: 'main', repeatIndex: 1 }] } });
    await ingest({ type: 'log', level: 'warn', message: 'almost done' }, { type: 'run.status', status: 'completed' });
    await sse.waitForEnd();
    expect(sse.events.map((e) => [e.event, e.id])).toEqual([
      ['snapshot', undefined], ['status', '9'], ['log', '10'], ['phase', '11'], ['log', '12'], ['status', '13'], ['end', undefined],
    ]);
    expect(sse.events[2].data).toMatchObject({ seq: 10, message: 'two\nlines' });
    expect(sse.events[5].data).toMatchObject({ seq: 13, type: 'run.status', status: 'completed' });
    expect(sse.events[6].data).toEqual({ status: 'completed' });
    await waitUntil(() => gw.app.get(RunStreamHub).count(runId) === 0, 5000, () => 'the ended stream to be cleaned up');
  });

  it('takes the position from ?lastEventId= too; a finished run streams what is left and ends at once', async () => {
    const tail = await SseTestClient.open(eventsUrl(runId, '?lastEventId=11'), auth);
    await tail.waitForEnd();
    expect(tail.events.map((e) => [e.event, e.id])).toEqual([['snapshot', undefined], ['log', '12'], ['status', '13'], ['end', undefined]]);

    const fresh = await SseTestClient.open(eventsUrl(), auth);
    await fresh.waitForEnd();
    expect(fresh.events.map((e) => [e.event, e.data.status])).toEqual([['snapshot', 'completed'], ['end', 'completed']]);

    const all = await SseTestClient.open(eventsUrl(runId, '?lastEventId=0'), auth);
    await all.waitForEnd();
    expect(all.events.map((e) => e.id ?? e.event)).toEqual(['snapshot', '1', '2', '3', '4', '6', '7', '8', '8', '9', '10', '11', '12', '13', 'end']);
  });

  const logLines = () => [
    `${iso(1)} INFO status running`,
    `${iso(2)} INFO Executing 1 of 1 with kwargs = [{"amount":5}]`,
    `${iso(4)} INFO dosing 5 mg`,
    `${iso(6)} INFO Step 1 (iteration 1) 'sdl.dose_solid' with args {"amount_in_mg":5} completed, output 0.5`,
    `${iso(8)} WARN status waiting: Refill the vial`,
    `${iso(9)} INFO status running`,
    `${iso(10)} INFO two\\nlines`,
    `${iso(11)} INFO Output value: [{"amount":5,"mass":0.5}]`,
    `${iso(12)} WARN almost done`,
    `${iso(13)} INFO status completed`,
  ];
  const iso = (s: number) => new Date(t0 + s * 1000).toISOString();

  it('serves the run log as text from PostgreSQL: phases, steps, log and status events', async () => {
    const res = await fetch(`${gw.url}/api/runs/${runId}/log`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe(`${logLines().join('\n')}\n`);
    expect((await fetch(`${gw.url}/api/runs/${randomUUID()}/log`, { headers: auth })).status).toBe(404);
  });

  it('mirrors the log to <dataDir>/logs as it is ingested, and copies the results CSV when the run ends', async () => {
    await gw.app.get(RunFilesMirror).settled();
    const log = readFileSync(join(gw.config.dataDir, 'logs', runLogFileName('live dose/series', runId)), 'utf8');
    expect(log).toBe(`${logLines().join('\n')}\n`);

    const results = readdirSync(join(gw.config.dataDir, 'results'));
    // Named like IvoryOS's data_path: the run's name (made safe) and its start time.
    expect(results).toEqual([resultsFileName('live dose/series', new Date(t0 + 1000))]);
    expect(results[0]).toMatch(/^live dose_series_\d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.csv$/);
    const csv = await (await fetch(`${gw.url}/api/runs/${runId}/results.csv`, { headers: auth })).text();
    expect(csv).toBe('sample,iteration,amount,mass\r\n1,1,5,0.5\r\n');
    expect(readFileSync(join(gw.config.dataDir, 'results', results[0]), 'utf8')).toBe(csv);
  });

  it('signs webhook bodies, retries a 500 within 5 s, and refuses targets outside the allow list', async () => {
    const on = (path: string) => receiver.received.filter((r) => r.path === path);
    await waitUntil(() => on('/hook').length >= 2 && on('/flaky').length >= 3, 15_000, () => `webhooks; got ${receiver.received.map((r) => r.path).join(' ')}`);
    for (const r of receiver.received) {
      expect(verifyWebhookSignature(SECRET, r.body, r.headers['x-ivoryos-signature'] as string)).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-ivoryos-event']).toBe((JSON.parse(r.body) as { event: string }).event);
      expect(r.headers['x-ivoryos-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(verifyWebhookSignature('another-secret-0123456789', on('/hook')[0].body, on('/hook')[0].headers['x-ivoryos-signature'] as string)).toBe(false);

    const [waiting, completed] = on('/hook').map((r) => JSON.parse(r.body));
    expect(waiting).toEqual({
      event: 'run.waiting', seq: 8, at: iso(8),
      run: {
        id: runId, name: 'live dose/series', deck: DECK, status: 'waiting',
        waiting: { promptId: 'p1', kind: 'pause', message: 'Refill the vial', since: new Date(t0).toISOString() },
        error: null, startedAt: iso(1), endedAt: null, externalId: 'LIMS-42', metadata: { batch: 7 }, url: `/api/runs/${runId}`,
      },
    });
    expect(completed).toMatchObject({ event: 'run.completed', seq: 13, run: { status: 'completed', waiting: null, endedAt: iso(13) } });

    // The retry of `waiting` may well arrive after `completed`: receivers order by seq.
    const [first, retry] = on('/flaky').filter((r) => r.headers['x-ivoryos-event'] === 'run.waiting');
    expect(retry.body).toBe(first.body);
    expect(retry.headers['x-ivoryos-delivery']).toBe(first.headers['x-ivoryos-delivery']);
    expect(retry.at - first.at).toBeLessThan(5000);
    expect(on('/flaky').filter((r) => r.headers['x-ivoryos-event'] === 'run.completed')).toHaveLength(1);
    expect(on('/hook')).toHaveLength(2);
    expect(on('/flaky')).toHaveLength(3);

    const outside = deliveries.filter((d) => d.url.endsWith('/outside'));
    expect(outside.map((d) => [d.event, d.result, d.attempt])).toEqual([['run.waiting', 'refused', 1], ['run.completed', 'refused', 1]]);
    expect(outside[0].error).toContain('IVORYOS_WEBHOOK_ALLOW');
    const flaky = deliveries.filter((d) => d.url.endsWith('/flaky')).map((d) => `${d.event} ${d.attempt} ${d.result}`);
    expect(flaky.sort()).toEqual(['run.completed 1 delivered', 'run.waiting 1 retrying', 'run.waiting 2 delivered']);

    // Each delivery is recorded, one row per status event and target.
    const em = gw.app.get(EntityManager);
    const rows = async () =>
      (await em.fork().find(WebhookDeliveryRecord, { runId }, { orderBy: { seq: 'asc', target: 'asc' } }))
        .map((r) => [r.event, r.target, r.status, r.attempts, r.lastStatusCode, r.nextAttemptAt]);
    const expected = [
      ['run.waiting', 0, 'delivered', 1, 204, null], ['run.waiting', 1, 'delivered', 2, 204, null], ['run.waiting', 2, 'refused', 1, null, null],
      ['run.completed', 0, 'delivered', 1, 204, null], ['run.completed', 1, 'delivered', 1, 204, null], ['run.completed', 2, 'refused', 1, null, null],
    ];
    await waitUntil(async () => JSON.stringify(await rows()) === JSON.stringify(expected), 5000, () => 'webhook_delivery rows');
    const ids = (await em.fork().find(WebhookDeliveryRecord, { runId, target: 1, seq: 8 })).map((r) => r.id);
    expect(ids).toEqual([first.headers['x-ivoryos-delivery']]);

    // The same committed batch seen again announces nothing twice.
    const before = receiver.received.length;
    const notifier = gw.app.get(WebhookNotifier);
    await notifier.announce({ runId, deck: DECK, name: 'live dose/series', events: sent.slice(-1), status: 'completed', statusChanged: true, lastSeq: 13 });
    await notifier.idle();
    expect(receiver.received.length).toBe(before);
    expect(await rows()).toHaveLength(6);
  });

  it('keeps runs of other decks away from a deck-limited API key', async () => {
    const key = await new TestAuth({ baseUrl: gw.url, em: gw.app.get(EntityManager) }).apiKey({ headers: auth }, { role: 'viewer', deck: 'other_lab' });
    expect((await fetch(eventsUrl(), { headers: key.headers })).status).toBe(404);
    expect((await fetch(`${gw.url}/api/runs/${runId}/log`, { headers: key.headers })).status).toBe(404);
  });

  it('wakes on another replica\'s commit announced over Redis, reading PostgreSQL rather than the message', async () => {
    const em = gw.app.get(EntityManager).fork();
    const other = em.create(WorkflowRun, {
      name: 'elsewhere', deck: DECK, status: 'running', startedAt: new Date(t0),
      workflowSnapshot: { name: 'x', deck: DECK, status: 'finalized', author: 'admin', script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] } },
    });
    await em.flush();
    const sse = await SseTestClient.open(eventsUrl(other.id), auth);
    await sse.waitForCount(1);
    // What another replica's ingestion commits: ledger rows and the run's position, in one transaction.
    await em.fork().transactional(async (tx) => {
      tx.create(RunEventRecord, { runId: other.id, seq: 1, type: 'log', payload: { level: 'info', message: 'from replica B' }, at: new Date(t0) });
      tx.create(RunEventRecord, { runId: other.id, seq: 2, type: 'run.status', payload: { status: 'failed', error: 'pump jammed' }, at: new Date(t0 + 1000) });
      await tx.nativeUpdate(WorkflowRun, { id: other.id }, { lastSeq: 2, status: 'failed', error: 'pump jammed', endedAt: new Date(t0 + 1000) });
    });
    const publisher = new IORedis(gw.config.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      // The message's lastSeq is wrong on purpose: the stream reads the ledger, not the message.
      await publisher.publish(channelNames.runUpdates, JSON.stringify({ runId: other.id, deck: DECK, lastSeq: 99 }));
      // Well before the 15 s keep-alive re-read: the wake came over Redis.
      await sse.waitForEnd(3000);
    } finally {
      publisher.disconnect();
    }
    expect(sse.events.map((e) => [e.event, e.id])).toEqual([['snapshot', undefined], ['log', '1'], ['status', '2'], ['end', undefined]]);
    expect(sse.events[2].data).toEqual({ seq: 2, at: new Date(t0 + 1000).toISOString(), type: 'run.status', status: 'failed', error: 'pump jammed' });
  });

  it("ignores the echo of this replica's own updates (its watchers were woken in-process), not other replicas'", async () => {
    const hub = gw.app.get(RunStreamHub);
    const runOf = randomUUID();
    const wakes: string[] = [];
    const unwatch = hub.watch(runOf, { wake: () => wakes.push('wake'), close: () => undefined });
    const publisher = new IORedis(gw.config.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      // One connection publishes in order: once the second has woken the watcher, the first was read too.
      await publisher.publish(channelNames.runUpdates, JSON.stringify({ runId: runOf, deck: DECK, lastSeq: 1, origin: gw.app.get(RunUpdates).origin }));
      await publisher.publish(channelNames.runUpdates, JSON.stringify({ runId: runOf, deck: DECK, lastSeq: 2, origin: 'another replica' }));
      await waitUntil(() => wakes.length > 0, 3000, () => 'a wake from the other replica');
      await new Promise((r) => setTimeout(r, 200));
      expect(wakes).toEqual(['wake']);
    } finally {
      publisher.disconnect();
      unwatch();
    }
  });
});
