import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { CONTRACT_VERSION, jobNames, type DeckSchema, type DirectCallJob, type JsonObject } from '@ivoryos/contracts';
import { createDirectCallProcessor, DEADLINE_PASSED, INTERRUPTED, type DirectCallJobLike } from './direct-calls';
import { HardwareLock } from './hardware-lock';
import type { Invoker } from './invoke';
import { Journal } from './journal';

const schema: DeckSchema = {
  schemaVersion: 1,
  deck: 'lab',
  hash: 'h',
  instruments: {
    'deck.sdl': {
      name: 'deck.sdl',
      actions: {
        measure: { name: 'measure', kind: 'method', params: [], async: false, returns: { kind: 'none', types: [], annotation: '' } },
        move: { name: 'move', kind: 'method', params: [{ name: 'to', type: 'float', required: true }], async: false, returns: { kind: 'none', types: [], annotation: '' } },
      },
    },
  },
};

const NOW = 1_700_000_000_000;
const payload = (callId: string, over: Partial<DirectCallJob> = {}): DirectCallJob => ({
  schemaVersion: CONTRACT_VERSION, callId, deck: 'lab', instrument: 'deck.sdl', action: 'measure', kwargs: {}, deadline: NOW + 1000, calledBy: 'alice', ...over,
});
const job = (data: DirectCallJob | JsonObject, name: string = jobNames.directCall): DirectCallJobLike => ({
  id: typeof data['callId'] === 'string' ? data['callId'] : undefined, name, data,
});

describe('direct call processor', () => {
  let dir: string;
  let journal: Journal;
  let calls: { instrument: string; action: string; kwargs: JsonObject; journaledFirst: boolean }[];
  let answer: () => unknown;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-direct-'));
    journal = Journal.open(dir, 'lab', { fsync: false });
    calls = [];
    answer = () => ({ when: new Date(0), n: 2n, none: NaN });
  });
  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const processor = () => {
    const invoker: Invoker = {
      invoke: async (instrument, action, kwargs) => {
        // The start must be on disk before the driver is reached.
        const journaledFirst = journal.unfinished().some((s) => s.instrument === instrument && s.action === action);
        calls.push({ instrument, action, kwargs, journaledFirst });
        return answer();
      },
    };
    return createDirectCallProcessor({ deck: 'lab', schema, journal, lock: new HardwareLock(), invoker, logger: pino({ level: 'silent' }), now: () => NOW });
  };

  it('journals the start before calling, then answers with the sanitised output', async () => {
    const result = await processor()(job(payload('c1')));
    expect(calls).toEqual([{ instrument: 'deck.sdl', action: 'measure', kwargs: {}, journaledFirst: true }]);
    expect(result).toMatchObject({ callId: 'c1', ran: true, success: true, output: { when: '1970-01-01T00:00:00.000Z', n: 2, none: null }, error: null });
    expect(result.startedAt).toEqual(expect.any(String));
    expect(journal.lookup('c1')?.end?.result).toEqual(result);
  });

  it('answers a driver exception as success false, journaled', async () => {
    answer = () => {
      throw new Error('pump jammed');
    };
    const result = await processor()(job(payload('c2')));
    expect(result).toMatchObject({ ran: true, success: false, error: 'pump jammed', output: null });
    expect(journal.lookup('c2')?.end?.result.error).toBe('pump jammed');
  });

  it('never calls twice for a call id: a finished one is answered from the journal', async () => {
    const run = processor();
    const first = await run(job(payload('c3')));
    const second = await run(job(payload('c3')));
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it('answers interrupted for a call whose start is journaled without an end', async () => {
    journal.appendStart({ callId: 'c4', instrument: 'deck.sdl', action: 'measure', kwargs: {}, calledBy: 'alice', at: '2024-01-01T00:00:00.000Z' });
    const result = await processor()(job(payload('c4')));
    expect(result).toEqual({
      schemaVersion: CONTRACT_VERSION, callId: 'c4', ran: false, success: false, output: null, error: INTERRUPTED, startedAt: '2024-01-01T00:00:00.000Z', endedAt: null, notRun: 'interrupted',
    });
    expect(calls).toHaveLength(0);
  });

  it('does not run a call whose deadline has passed, and does not journal it', async () => {
    const result = await processor()(job(payload('c5', { deadline: NOW - 1 })));
    expect(result).toMatchObject({ ran: false, success: false, error: DEADLINE_PASSED, notRun: 'deadline-passed', startedAt: null });
    expect(calls).toHaveLength(0);
    expect(journal.lookup('c5')).toBeUndefined();
  });

  it('refuses actions outside the registered schema and bad arguments without calling', async () => {
    const run = processor();
    await expect(run(job(payload('c6', { action: 'secret' })))).resolves.toMatchObject({ ran: false, notRun: 'not-in-schema' });
    await expect(run(job(payload('c7', { action: 'move', kwargs: {} })))).resolves.toMatchObject({ ran: false, notRun: 'invalid-arguments' });
    expect(calls).toHaveLength(0);
  });

  it('fails the job (unrecoverable) for a malformed payload or an unknown job name', async () => {
    const run = processor();
    await expect(run(job({ callId: 'c8', deck: 'lab' }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run(job(payload('c9', { deck: 'other' })))).rejects.toThrow("is not this agent's deck");
    await expect(run(job(payload('c10'), 'run.accept'))).rejects.toThrow("does not handle 'run.accept' jobs");
    expect(calls).toHaveLength(0);
  });
});
