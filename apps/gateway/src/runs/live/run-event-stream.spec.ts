import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { EventEmitter } from 'node:events';
import type { RunEventType, RunStatus } from '@ivoryos/contracts';
import type { RunLedger, RunPosition } from '../records/run-ledger';
import { RunEventStream } from './run-event-stream';
import type { RunStreamHub, RunWatcher } from './run-stream-hub';
import type { LedgerRow } from './sse-format';

const RUN = '0b4f6a2e-0000-4000-8000-000000000001';

/** Just enough of an Express response to record what a stream writes. */
class FakeResponse extends EventEmitter {
  text = '';
  ended = false;
  destroyed = false;
  headersSent = false;
  headers: Record<string, string> = {};
  statusCode = 0;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  flushHeaders() {
    this.headersSent = true;
  }
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
  end() {
    this.ended = true;
  }
  /** The SSE events written so far, as [event, id, data]. */
  events(): [string, string | undefined, Record<string, unknown>][] {
    return this.text
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => {
        const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
        return [field('event')!, field('id'), JSON.parse(field('data')!)];
      });
  }
}

class FakeLedger {
  rows: LedgerRow[] = [];
  status: RunStatus = 'running';
  exists = true;
  add(type: RunEventType, payload: LedgerRow['payload']) {
    this.rows.push({ seq: this.rows.length + 1, type, payload, at: new Date(Date.UTC(2026, 0, 1, 0, 0, this.rows.length)) });
  }
  async position(): Promise<RunPosition | null> {
    if (!this.exists) return null;
    const now = new Date();
    return { id: RUN, name: 'r', status: this.status, lastSeq: this.rows.length, createdAt: now, startedAt: now, endedAt: now };
  }
  async rows_(after: number, upTo: number, limit: number) {
    return this.rows.filter((r) => r.seq > after && r.seq <= upTo).slice(0, limit);
  }
}

class FakeHub {
  watchers = new Set<RunWatcher>();
  watch(_runId: string, w: RunWatcher) {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
  wake() {
    for (const w of this.watchers) w.wake();
  }
}

const settle = () => new Promise((r) => setImmediate(r));
const opened: FakeResponse[] = [];

function open(ledger: FakeLedger, hub: FakeHub, cursor: number, status: RunStatus = 'running') {
  const res = new FakeResponse();
  const ledgerApi = { position: () => ledger.position(), rows: (_id: string, a: number, u: number, l: number) => ledger.rows_(a, u, l) };
  new RunEventStream(res as unknown as Response, {
    runId: RUN, cursor, snapshot: { id: RUN, status }, ledger: ledgerApi as unknown as RunLedger, hub: hub as unknown as RunStreamHub,
    logger: new Logger('test'), keepAliveMs: 15_000,
  }).start();
  opened.push(res);
  return res;
}

describe('RunEventStream', () => {
  afterEach(() => {
    // A stream the test left open would keep its keep-alive timer (and jest) running.
    for (const res of opened.splice(0)) res.emit('close');
    jest.useRealTimers();
  });

  it('sends the snapshot, then events above the cursor in order, once each, as they are woken', async () => {
    const ledger = new FakeLedger();
    const hub = new FakeHub();
    ledger.add('run.status', { status: 'running' });
    ledger.add('log', { level: 'info', message: 'a' });
    const res = open(ledger, hub, 1);
    await settle();
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.events().map(([e, id]) => [e, id])).toEqual([['snapshot', undefined], ['log', '2']]);
    ledger.add('checkpoint', null);
    ledger.add('step.started', { methodName: 'dose' });
    hub.wake();
    hub.wake(); // a second wake while the first pull runs must not send anything twice
    await settle();
    await settle();
    expect(res.events().map(([e, id]) => [e, id])).toEqual([['snapshot', undefined], ['log', '2'], ['step', '4']]);
    expect(res.ended).toBe(false);
  });

  it('writes a keep-alive comment every 15 s and re-reads the ledger then, so a lost wake only delays', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const ledger = new FakeLedger();
    const hub = new FakeHub();
    const res = open(ledger, hub, 0);
    await settle();
    ledger.add('log', { level: 'info', message: 'missed' });
    jest.advanceTimersByTime(14_999);
    await settle();
    expect(res.text).not.toContain(': keep-alive');
    jest.advanceTimersByTime(1);
    await settle();
    expect(res.text.match(/: keep-alive\n\n/g)).toHaveLength(1);
    expect(res.events().map(([e]) => e)).toEqual(['snapshot', 'log']);
    jest.advanceTimersByTime(15_000);
    expect(res.text.match(/: keep-alive\n\n/g)).toHaveLength(2);
  });

  it('ends after the final status, with an end event', async () => {
    const ledger = new FakeLedger();
    const hub = new FakeHub();
    const res = open(ledger, hub, 0);
    await settle();
    ledger.add('run.status', { status: 'completed' });
    ledger.status = 'completed';
    hub.wake();
    await settle();
    await settle();
    expect(res.events()).toEqual([
      ['snapshot', undefined, { id: RUN, status: 'running' }],
      ['status', '1', { seq: 1, at: '2026-01-01T00:00:00.000Z', type: 'run.status', status: 'completed' }],
      ['end', undefined, { status: 'completed' }],
    ]);
    expect(res.ended).toBe(true);
    expect(hub.watchers.size).toBe(0);
  });

  it('says so when a run ends without a status event (cancelled in the queue)', async () => {
    const ledger = new FakeLedger();
    const hub = new FakeHub();
    const res = open(ledger, hub, 0, 'queued');
    await settle();
    ledger.status = 'cancelled';
    hub.wake();
    await settle();
    expect(res.events().map(([e, id, d]) => [e, id, d.status])).toEqual([['snapshot', undefined, 'queued'], ['status', undefined, 'cancelled'], ['end', undefined, 'cancelled']]);
    expect(res.ended).toBe(true);
  });

  it('stops watching and ticking when the client goes away', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const ledger = new FakeLedger();
    const hub = new FakeHub();
    const res = open(ledger, hub, 0);
    await settle();
    expect(hub.watchers.size).toBe(1);
    res.emit('close');
    expect(hub.watchers.size).toBe(0);
    const before = res.text;
    jest.advanceTimersByTime(60_000);
    await settle();
    expect(res.text).toBe(before);
  });

  it('ends when the run is deleted meanwhile', async () => {
    const ledger = new FakeLedger();
    const hub = new FakeHub();
    const res = open(ledger, hub, 0);
    await settle();
    ledger.exists = false;
    hub.wake();
    await settle();
    expect(res.ended).toBe(true);
    expect(hub.watchers.size).toBe(0);
  });
});
