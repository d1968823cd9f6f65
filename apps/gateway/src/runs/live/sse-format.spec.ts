import type { RunEventType } from '@ivoryos/contracts';
import { BadInput } from '../../common/domain-errors';
import { formatSseComment, formatSseFrame, formatSseRetry, framesForLedgerRow, parseLastEventId, type LedgerRow } from './sse-format';

const at = new Date('2026-05-14T10:00:00.000Z');
const row = (seq: number, type: RunEventType, payload: LedgerRow['payload']): LedgerRow => ({ seq, type, payload, at });

describe('SSE formatting', () => {
  it('writes event, id and one line of JSON data, ended by a blank line', () => {
    expect(formatSseFrame({ event: 'log', id: 7, data: { message: 'line 1\nline 2' } })).toBe(
      'event: log\nid: 7\ndata: {"message":"line 1\\nline 2"}\n\n',
    );
    expect(formatSseFrame({ event: 'snapshot', data: { id: 'r' } })).toBe('event: snapshot\ndata: {"id":"r"}\n\n');
  });

  it('writes comments and the reconnect delay, which clients never see as events', () => {
    expect(formatSseComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(formatSseComment('a\nb')).toBe(': a b\n\n');
    expect(formatSseRetry(2000)).toBe('retry: 2000\n\n');
  });
});

describe('ledger events as SSE', () => {
  it('names each event type and carries { seq, at, type, ...payload } with the seq as id', () => {
    const cases: [RunEventType, string][] = [
      ['run.status', 'status'], ['step.started', 'step'], ['step.finished', 'step'], ['progress', 'progress'], ['log', 'log'],
      ['phase.started', 'phase'], ['phase.finished', 'phase'], ['command', 'command'],
    ];
    for (const [type, event] of cases) {
      const frames = framesForLedgerRow(row(3, type, { x: 1 }));
      expect(frames).toEqual([{ event, id: 3, data: { seq: 3, at: '2026-05-14T10:00:00.000Z', type, x: 1 } }]);
    }
  });

  it('never sends checkpoints', () => {
    expect(framesForLedgerRow(row(4, 'checkpoint', null))).toEqual([]);
  });

  it('follows a status that carries a waiting prompt with a prompt event', () => {
    const waiting = { promptId: 'p1', kind: 'pause', message: 'Refill the vial', since: '2026-05-14T10:00:00.000Z' };
    const frames = framesForLedgerRow(row(9, 'run.status', { status: 'waiting', waiting }));
    expect(frames.map((f) => [f.event, f.id])).toEqual([['status', 9], ['prompt', 9]]);
    expect(frames[1].data).toEqual({ seq: 9, at: '2026-05-14T10:00:00.000Z', type: 'run.status', status: 'waiting', waiting });
    expect(framesForLedgerRow(row(10, 'run.status', { status: 'running', waiting: null })).map((f) => f.event)).toEqual(['status']);
  });
});

describe('Last-Event-ID', () => {
  it('takes the header first, then the query parameter', () => {
    expect(parseLastEventId('12', '3')).toBe(12);
    expect(parseLastEventId(['5'], undefined)).toBe(5);
    expect(parseLastEventId(undefined, '3')).toBe(3);
    expect(parseLastEventId('', '0')).toBe(0);
    expect(parseLastEventId(' 8 ', undefined)).toBe(8);
  });

  it('is absent when neither is given', () => {
    expect(parseLastEventId(undefined, undefined)).toBeUndefined();
    expect(parseLastEventId('  ', '')).toBeUndefined();
  });

  it('answers 400 naming the field for anything but a non-negative integer', () => {
    for (const [h, q, field] of [['-1', undefined, 'Last-Event-ID'], ['abc', undefined, 'Last-Event-ID'], [undefined, '1.5', 'lastEventId'], [undefined, ['1', '2'], 'lastEventId'], ['1e3', undefined, 'Last-Event-ID']] as const) {
      let caught: unknown;
      try {
        parseLastEventId(h, q);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(BadInput);
      expect((caught as BadInput).errors?.[0].path).toBe(field);
    }
  });
});
