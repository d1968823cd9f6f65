import type { CommandRecord, CursorRecord, JournaledCall, JournalRecord, RunAcceptedRecord, RunAnsweredRecord, RunDoneRecord, RunSuspendRecord } from './records';
import type { JournaledEvent, RunBook, RunEntry } from './run-book';

/**
 * How long finished direct calls and retired runs stay in the journal: a redelivered or re-created
 * job with their id is answered from it (BullMQ keeps finished jobs for a day; a week is ample).
 */
export const RETENTION: { readonly ageMs: number; readonly count: number } = { ageMs: 7 * 24 * 3600_000, count: 10_000 };

/**
 * Drops what the journal no longer needs, in memory: ended runs the gateway confirmed become
 * tombstones; direct calls and tombstones beyond the retention go. Returns the retired run ids.
 */
export function prune(calls: Map<string, JournaledCall>, book: RunBook, now: number, retention = RETENTION): string[] {
  const retired = book.retirable();
  for (const run of retired) {
    book.retire({ type: 'run.done', runId: run.runId, status: run.end?.status ?? 'completed', lastSeq: run.lastSeq, at: new Date(now).toISOString() });
  }
  pruneByAge(calls, (c) => c.end?.at ?? c.start.at, now, retention);
  pruneByAge(book.done, (d) => d.at, now, retention);
  return retired.map((r) => r.runId);
}

/** Keeps the newest `count` entries that are younger than `ageMs`; maps iterate oldest first. */
function pruneByAge<T>(map: Map<string, T>, at: (value: T) => string, now: number, retention: { ageMs: number; count: number }): void {
  let excess = map.size - retention.count;
  for (const [key, value] of map) {
    const old = now - Date.parse(at(value)) > retention.ageMs;
    if (excess <= 0 && !old) continue;
    map.delete(key);
    excess--;
  }
}

/**
 * The journal's records after compaction, one JSON line each. Replaying them gives back the same calls,
 * tombstones, cursor and, per live run, everything a resume and the outbox need: the job, answered
 * command ids, unconfirmed events, the last checkpoint and what followed it, the end and the last seq.
 */
export function compactedLines(calls: Map<string, JournaledCall>, book: RunBook, at: string): string[] {
  const lines: string[] = [];
  const push = (record: JournalRecord): void => void lines.push(JSON.stringify(record));
  if (book.cursor !== '0') push({ type: 'command.cursor', streamId: book.cursor, at } satisfies CursorRecord);
  for (const call of calls.values()) {
    push(call.start);
    if (call.end) push(call.end);
  }
  for (const done of book.done.values()) push(done satisfies RunDoneRecord);
  for (const run of book.runs.values()) lines.push(...runLines(run, book.cursor, at));
  return lines;
}

function runLines(run: RunEntry, cursor: string, at: string): string[] {
  const lines = [JSON.stringify({ type: 'run.accepted', runId: run.runId, job: run.job, at: run.acceptedAt } satisfies RunAcceptedRecord)];
  if (run.answered.size) lines.push(JSON.stringify({ type: 'run.answered', runId: run.runId, commandIds: [...run.answered] } satisfies RunAnsweredRecord));
  const keep = new Map<number, string>();
  const add = (e: JournaledEvent | null | undefined): void => {
    if (e) keep.set(e.seq, e.json);
  };
  run.pending.forEach(add);
  add(run.checkpoint);
  run.afterCheckpoint.forEach(add);
  add(run.end?.event);
  add(run.lastEvent);
  const reapplyAt = new Map(run.reapply.map((a) => [a.answerSeq, a.command]));
  for (const seq of [...keep.keys()].sort((a, b) => a - b)) {
    // A command to apply again must precede its answer, as it did when it was first journaled.
    const command = reapplyAt.get(seq);
    if (command) lines.push(JSON.stringify({ type: 'command', streamId: cursor, command, at } satisfies CommandRecord));
    lines.push(`{"type":"run.event","envelope":${keep.get(seq)}}`);
  }
  if (run.suspendedAfter !== null) {
    lines.push(JSON.stringify({ type: 'run.suspend', runId: run.runId, afterSeq: run.suspendedAfter, at } satisfies RunSuspendRecord));
  }
  return lines;
}
