import type { EventEnvelope, RunEvent } from '@ivoryos/contracts';
import { replayJournal } from '../journal';
import { journalText } from '../testing/journal-fixtures';
import { runJob, workflow } from '../testing/workflow-builders';
import { RunBook } from './run-book';

const job = runJob('lab', workflow([]), { runId: 'r1' });
const env = (seq: number, event: RunEvent = { type: 'log', level: 'info', message: `#${seq}` }): EventEnvelope => ({ runId: 'r1', deck: 'lab', seq, at: 't', event });
const book = (n: number): RunBook => {
  const b = new RunBook();
  b.accept(job, 't');
  for (let seq = 1; seq <= n; seq++) b.event(env(seq), JSON.stringify(env(seq)));
  return b;
};

describe('RunBook outbox', () => {
  it('holds every journaled event until the gateway confirms it', () => {
    const b = book(5);
    expect(b.runs.get('r1')!.pending.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(b.unconfirmed().map((r) => r.runId)).toEqual(['r1']);
  });

  it('drops confirmed events and keeps the sent prefix aligned; a lower confirmation changes nothing', () => {
    const b = book(5);
    const run = b.runs.get('r1')!;
    run.sentCount = 4;
    expect(b.confirm('r1', 3)).toBe(true);
    expect(run.pending.map((e) => e.seq)).toEqual([4, 5]);
    expect(run.sentCount).toBe(1);
    // Redis forgot the hash (a wipe): the agent does not forget what was confirmed.
    expect(b.confirm('r1', 0)).toBe(false);
    expect(run.confirmed).toBe(3);
    b.confirm('r1', 9);
    expect(run.pending).toEqual([]);
    expect(run.sentCount).toBe(0);
    expect(b.unconfirmed()).toEqual([]);
  });

  it('journals events above the confirmation only, and confirmed ones are never pending again', () => {
    const b = book(2);
    b.confirm('r1', 2);
    b.event(env(3), JSON.stringify(env(3)));
    expect(b.runs.get('r1')!.pending.map((e) => e.seq)).toEqual([3]);
  });

  it('marks a run retirable once it has ended and every event is confirmed', () => {
    const b = book(2);
    b.event(env(3, { type: 'run.status', status: 'completed', waiting: null, error: null }), '{}');
    b.event(env(4, { type: 'checkpoint', checkpoint: null }), '{}');
    expect(b.runs.get('r1')!.end?.status).toBe('completed');
    b.confirm('r1', 3);
    expect(b.retirable()).toEqual([]);
    b.confirm('r1', 4);
    expect(b.retirable().map((r) => r.runId)).toEqual(['r1']);
  });

  it('reports events of unknown runs, out-of-order seqs and second acceptances as problems', () => {
    const b = book(2);
    expect(b.event(env(2), '{}')).toMatch('is not above 2');
    expect(b.event({ ...env(1), runId: 'ghost' }, '{}')).toMatch('never accepted');
    expect(b.accept(job, 't')).toMatch('accepted twice');
  });

  it('knows the commands a run answered, from answer events and from compaction records', () => {
    const answer = (seq: number, commandId: string) => env(seq, { type: 'command', commandId, command: 'pause', outcome: 'refused', reason: 'no' });
    const text = journalText(job, [answer(1, 'c1')], [JSON.stringify({ type: 'run.answered', runId: 'r1', commandIds: ['c0'] })]);
    const { runs, unreadable } = replayJournal(text);
    expect(unreadable).toEqual([]);
    expect([...runs.runs.get('r1')!.answered].sort()).toEqual(['c0', 'c1']);
  });
});
