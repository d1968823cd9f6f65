import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_VERSION, type DirectCallResult, type EventEnvelope } from '@ivoryos/contracts';
import { Journal, replayJournal, type Replay } from '../journal';
import { answer, command, commandLine, eventLine, indexOf, journalText, simulate } from '../testing/journal-fixtures';
import { runJob, step, workflow } from '../testing/workflow-builders';
import { compactedLines, prune, RETENTION } from './compaction';
import { resumePoint } from './resume-point';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const result = (callId: string): DirectCallResult => ({ schemaVersion: CONTRACT_VERSION, callId, ran: true, success: true, output: 1, error: null, startedAt: 'x', endedAt: 'y' });
const callLines = (callId: string, at: number, ended = true) => [
  JSON.stringify({ type: 'call.start', callId, instrument: 'deck.bench', action: 'noop', kwargs: {}, calledBy: 'u', at: iso(at) }),
  ...(ended ? [JSON.stringify({ type: 'call.end', callId, result: result(callId), at: iso(at) })] : []),
];

const WF = workflow([step('deck.bench', 'noop', { x: 1 }), step('pause', 'pause', { statement: 'check' }), step('deck.bench', 'noop', { x: 2 })]);
const ended = runJob('lab', WF, { runId: 'ended' });
const live = runJob('lab', WF, { runId: 'live' });

/** A journal with old and recent calls, an ended run and a run waiting at its pause with a command applied after its checkpoint. */
async function sample(): Promise<{ text: string; liveEvents: EventEnvelope[] }> {
  const endedEvents = (await simulate(ended, (p, it) => it.resume(p.promptId))).events;
  const all = (await simulate(live, (p, it) => it.resume(p.promptId))).events;
  const waiting = indexOf(all, (e) => e.type === 'run.status' && e.status === 'waiting');
  const liveEvents = all.slice(0, indexOf(all, (e) => e.type === 'checkpoint', waiting) + 1);
  const pause = command('live', 'pause');
  const last = liveEvents.at(-1)!.seq;
  const text = [
    ...callLines('old', NOW - 8 * DAY), ...callLines('recent', NOW - DAY), ...callLines('unfinished', NOW - 1000, false),
    journalText(ended, endedEvents).trimEnd(),
    journalText(live, liveEvents).trimEnd(),
    commandLine(pause, '1700000000000-3'), eventLine(answer('live', last + 1, pause)),
    JSON.stringify({ type: 'run.suspend', runId: 'live', afterSeq: last + 1, at: 'x' }),
    JSON.stringify({ type: 'command.cursor', streamId: '1700000000000-4', at: 'x' }),
  ].join('\n');
  return { text: `${text}\n`, liveEvents };
}

function compact(replay: Replay, now = NOW): Replay {
  prune(replay.calls, replay.runs, now);
  return replayJournal(`${compactedLines(replay.calls, replay.runs, iso(now)).join('\n')}\n`);
}

describe('journal compaction', () => {
  it('retires an ended run only once the gateway confirmed its last seq, keeping a tombstone', async () => {
    const before = replayJournal((await sample()).text);
    const endedRun = before.runs.runs.get('ended')!;
    before.runs.confirm('ended', endedRun.lastSeq - 1);
    expect(compact(before).runs.runs.has('ended')).toBe(true);
    before.runs.confirm('ended', endedRun.lastSeq);
    const after = compact(before);
    expect(after.runs.runs.has('ended')).toBe(false);
    expect(after.runs.done.get('ended')).toMatchObject({ status: 'completed', lastSeq: endedRun.lastSeq });
    expect(after.runs.knows('ended')).toBe(true);
  });

  it('keeps everything a live run needs: the same resume point, outbox, answered commands and cursor', async () => {
    const { text, liveEvents } = await sample();
    const before = replayJournal(text);
    expect(before.unreadable).toEqual([]);
    // The gateway committed all but the last two events.
    const confirmed = liveEvents.at(-2)!.seq - 1;
    before.runs.confirm('live', confirmed);
    const run = before.runs.runs.get('live')!;
    const after = compact(before);
    expect(after.unreadable).toEqual([]);
    const kept = after.runs.runs.get('live')!;
    expect(resumePoint(kept)).toEqual(resumePoint(run));
    expect(resumePoint(kept).reapply.map((c) => c.type)).toEqual(['pause']);
    expect(resumePoint(kept).suspend).toBe(true);
    expect(kept.lastSeq).toBe(run.lastSeq);
    expect([...kept.answered]).toEqual([...run.answered]);
    // Replayed, nothing counts as confirmed; the kept events above the confirmation are exactly the outbox.
    expect(kept.pending.filter((e) => e.seq > confirmed).map((e) => e.seq)).toEqual(run.pending.map((e) => e.seq));
    expect(kept.pending.length).toBeLessThan(liveEvents.length);
    expect(after.runs.cursor).toBe('1700000000000-4');
    expect(compact(after).runs.runs.get('live')!.lastSeq).toBe(run.lastSeq);
  });

  it('keeps a run that ended with unconfirmed events as ended (it is not resumed)', async () => {
    const before = replayJournal((await sample()).text);
    const run = before.runs.runs.get('ended')!;
    before.runs.confirm('ended', run.end!.event.seq);
    const kept = compact(before).runs.runs.get('ended')!;
    expect(kept.end?.status).toBe('completed');
    expect(kept.pending.map((e) => e.seq)).toContain(run.lastSeq);
  });

  it('drops direct calls older than the retention, and the oldest beyond its count', async () => {
    const after = compact(replayJournal((await sample()).text));
    expect([...after.calls.keys()]).toEqual(['recent', 'unfinished']);
    const many = replayJournal(`${Array.from({ length: 5 }, (_v, i) => callLines(`c${i}`, NOW - 1000 + i)).flat().join('\n')}\n`);
    prune(many.calls, many.runs, NOW, { ...RETENTION, count: 3 });
    expect([...many.calls.keys()]).toEqual(['c2', 'c3', 'c4']);
  });
});

describe('Journal.compact on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-compact-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites the file atomically and keeps appending to the new one', async () => {
    const journal = Journal.open(dir, 'lab', { fsync: false });
    const events = (await simulate(ended, (p, it) => it.resume(p.promptId))).events;
    journal.appendAccepted(ended, iso(NOW));
    for (const e of events) journal.appendEvent(e);
    journal.runs.confirm('ended', events.at(-1)!.seq);
    expect(journal.compactIfUseful(NOW)).toEqual(['ended']);
    journal.appendStart({ callId: 'after', instrument: 'deck.bench', action: 'noop', kwargs: {}, calledBy: 'u', at: iso(NOW) });
    journal.close();

    expect(readdirSync(join(dir, 'journal'))).toEqual(['lab.jsonl']);
    const lines = readFileSync(join(dir, 'journal', 'lab.jsonl'), 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(lines).toEqual(['run.done', 'call.start']);
    const reopened = Journal.open(dir, 'lab', { fsync: false });
    expect(reopened.runs.knows('ended')).toBe(true);
    expect(reopened.lookup('after')).toBeDefined();
    expect(reopened.compactIfUseful(NOW)).toBeNull();
    reopened.close();
  });
});
