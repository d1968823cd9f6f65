import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_VERSION, type DirectCallResult } from '@ivoryos/contracts';
import { Journal, replayJournal } from './journal';

const start = (callId: string, at = '2024-01-01T00:00:00.000Z') =>
  JSON.stringify({ type: 'call.start', callId, instrument: 'deck.sdl', action: 'measure', kwargs: {}, calledBy: 'u', at });
const result = (callId: string): DirectCallResult => ({
  schemaVersion: CONTRACT_VERSION, callId, ran: true, success: true, output: 1, error: null, startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:01.000Z',
});
const end = (callId: string) => JSON.stringify({ type: 'call.end', callId, result: result(callId), at: '2024-01-01T00:00:01.000Z' });

describe('replayJournal', () => {
  it('pairs starts with their ends', () => {
    const { calls, unreadable } = replayJournal([start('a'), start('b'), end('a'), ''].join('\n'));
    expect(unreadable).toEqual([]);
    expect(calls.get('a')?.end?.result).toEqual(result('a'));
    expect(calls.get('b')?.start.callId).toBe('b');
    expect(calls.get('b')?.end).toBeUndefined();
  });

  it('skips a torn last line (a process killed mid-write) and reports it', () => {
    const text = `${start('a')}\n${end('a').slice(0, 30)}`;
    const { calls, unreadable } = replayJournal(text);
    expect(calls.get('a')?.end).toBeUndefined();
    expect(unreadable).toEqual([{ line: 2, text: end('a').slice(0, 30) }]);
  });

  it('keeps the first start of a call id and reports an end without a start', () => {
    const { calls, unreadable } = replayJournal([start('a', '2024-01-01T00:00:00.000Z'), start('a', '2025-01-01T00:00:00.000Z'), end('x')].join('\n'));
    expect(calls.get('a')?.start.at).toBe('2024-01-01T00:00:00.000Z');
    expect(calls.has('x')).toBe(false);
    expect(unreadable).toHaveLength(1);
  });

  it('ignores JSON that is not a journal record', () => {
    const { calls, unreadable } = replayJournal(['{"type":"call.start"}', '42', 'null'].join('\n'));
    expect(calls.size).toBe(0);
    expect(unreadable).toHaveLength(3);
  });
});

describe('Journal.open', () => {
  it('says what the agent needs when its data folder cannot be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivoryos-journal-open-'));
    try {
      writeFileSync(join(dir, 'data'), 'a file where the data folder should be');
      expect(() => Journal.open(join(dir, 'data'), 'd', { fsync: false })).toThrow(
        /cannot create the agent's journal in .*data\/journal \((ENOTDIR|EEXIST)\): the agent needs a writable data folder; set IVORYOS_DATA_DIR/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record = { instrument: 'deck.sdl', action: 'measure', kwargs: { x: 1 }, calledBy: 'u' };

  it('appends one JSON line per record and finds calls again after reopening', () => {
    const journal = Journal.open(dir, 'lab', { fsync: true });
    journal.appendStart({ callId: 'a', ...record, at: 'now' });
    journal.appendEnd({ callId: 'a', result: result('a'), at: 'later' });
    journal.appendStart({ callId: 'b', ...record, at: 'now' });
    journal.close();

    const lines = readFileSync(join(dir, 'journal', 'lab.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['call.start', 'call.end', 'call.start']);

    const again = Journal.open(dir, 'lab', { fsync: false });
    expect(again.lookup('a')?.end?.result).toEqual(result('a'));
    expect(again.unfinished().map((s) => s.callId)).toEqual(['b']);
    expect(again.lookup('nope')).toBeUndefined();
    again.close();
  });

  it('starts a fresh line after a torn one, so the next record stays readable', () => {
    const file = join(dir, 'journal', 'lab.jsonl');
    Journal.open(dir, 'lab', { fsync: false }).close();
    writeFileSync(file, `${start('a')}\n{"type":"call.e`);
    const journal = Journal.open(dir, 'lab', { fsync: false });
    expect(journal.unreadable).toHaveLength(1);
    journal.appendEnd({ callId: 'a', result: result('a'), at: 'later' });
    journal.close();
    const reopened = Journal.open(dir, 'lab', { fsync: false });
    expect(reopened.lookup('a')?.end).toBeDefined();
    reopened.close();
  });

  it('refuses an end for a call it never started, and writes after close', () => {
    const journal = Journal.open(dir, 'lab', { fsync: false });
    expect(() => journal.appendEnd({ callId: 'zz', result: result('zz'), at: 'x' })).toThrow('without a start');
    journal.close();
    expect(() => journal.appendStart({ callId: 'c', ...record, at: 'x' })).toThrow('closed');
  });
});
