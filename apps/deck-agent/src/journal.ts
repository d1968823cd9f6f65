import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EventEnvelope, RunCommand, RunJob } from '@ivoryos/contracts';
import { compactedLines, prune } from './journal/compaction';
import { parseRecord, type CallEndRecord, type CallStartRecord, type JournaledCall } from './journal/records';
import { RunBook, type RunEntry } from './journal/run-book';

export type { CallEndRecord, CallStartRecord, JournaledCall, JournalRecord } from './journal/records';

export interface Replay {
  calls: Map<string, JournaledCall>;
  runs: RunBook;
  /** Lines that are not records: a torn last line from a killed process, or damage. */
  unreadable: { line: number; text: string }[];
  /** Readable records (compaction compares it with what it keeps). */
  records: number;
}

/** Rebuilds what the journal knows from its JSONL text. Pure, so it can be tested without files. */
export function replayJournal(text: string): Replay {
  const calls = new Map<string, JournaledCall>();
  const runs = new RunBook();
  const unreadable: Replay['unreadable'] = [];
  let records = 0;
  text.split('\n').forEach((raw, index) => {
    if (!raw.trim()) return;
    const record = parseRecord(raw);
    if (!record) {
      unreadable.push({ line: index + 1, text: raw.slice(0, 200) });
      return;
    }
    records++;
    let problem: string | undefined;
    switch (record.type) {
      case 'call.start':
        // A start is never overwritten: the first one is when the hardware could first be reached.
        if (!calls.has(record.callId)) calls.set(record.callId, { start: record });
        break;
      case 'call.end': {
        const call = calls.get(record.callId);
        if (call) call.end = record;
        else problem = `end without start for call ${record.callId}`;
        break;
      }
      case 'run.accepted': {
        const entry = runs.accept(record.job, record.at);
        if (typeof entry === 'string') problem = entry;
        break;
      }
      case 'run.event':
        problem = runs.event(record.envelope, JSON.stringify(record.envelope));
        break;
      case 'run.suspend':
        problem = runs.suspend(record.runId, record.afterSeq);
        break;
      case 'run.answered':
        problem = runs.answered(record.runId, record.commandIds);
        break;
      case 'run.done':
        runs.retire(record);
        break;
      case 'command':
        runs.command(record.streamId, record.command);
        break;
      case 'command.cursor':
        runs.cursor = record.streamId;
        break;
    }
    if (problem) unreadable.push({ line: index + 1, text: problem });
  });
  return { calls, runs, unreadable, records };
}

/** Compact when this many records were appended since the last compaction, and it more than halves the file. */
const COMPACT_AFTER_RECORDS = 50_000;

/**
 * The agent's local journal, `<dataDir>/journal/<deck>.jsonl`: one JSON record per line,
 * appended synchronously so a record written before a driver call survives `kill -9` (the
 * write has reached the kernel). With `fsync` it also survives power loss. It is also the
 * outbox of run events, and is rewritten (temp file, fsync, rename) when runs are retired.
 */
export class Journal {
  /** Lines the replay at open could not read; the agent logs them. */
  readonly unreadable: Replay['unreadable'];
  /** Runs: accepted jobs, events (the outbox), checkpoints, commands. */
  readonly runs: RunBook;
  private readonly calls: Map<string, JournaledCall>;
  private fd: number | undefined;
  private records: number;
  private recordsAtCompaction: number;

  private constructor(
    readonly file: string,
    private readonly fsync: boolean,
    replay: Replay,
  ) {
    this.calls = replay.calls;
    this.runs = replay.runs;
    this.unreadable = replay.unreadable;
    this.records = replay.records;
    this.recordsAtCompaction = replay.records;
    this.fd = openSync(file, 'a');
  }

  static open(dataDir: string, deck: string, options: { fsync: boolean }): Journal {
    const dir = join(dataDir, 'journal');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      // In a container this is a missing volume: say what to give the agent, not just the failed call.
      throw new Error(
        `cannot create the agent's journal in ${resolve(dir)} (${(err as NodeJS.ErrnoException).code ?? String(err)}): ` +
          'the agent needs a writable data folder; set IVORYOS_DATA_DIR (--data-dir) to one, or mount a writable volume there',
      );
    }
    const file = join(dir, `${deck}.jsonl`);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const journal = new Journal(file, options.fsync, replayJournal(text));
    // A torn last line has no newline; start on a fresh line so the next record stays readable.
    if (text.length && !text.endsWith('\n')) journal.write('');
    return journal;
  }

  lookup(callId: string): JournaledCall | undefined {
    return this.calls.get(callId);
  }

  /** Calls that started and never ended: the agent stopped during them. */
  unfinished(): CallStartRecord[] {
    return [...this.calls.values()].filter((c) => !c.end).map((c) => c.start);
  }

  appendStart(record: Omit<CallStartRecord, 'type'>): CallStartRecord {
    const full: CallStartRecord = { type: 'call.start', ...record };
    this.write(JSON.stringify(full));
    this.calls.set(full.callId, { start: full });
    return full;
  }

  appendEnd(record: Omit<CallEndRecord, 'type'>): void {
    const call = this.calls.get(record.callId);
    if (!call) throw new Error(`journal: call ${record.callId} ends without a start`);
    const full: CallEndRecord = { type: 'call.end', ...record };
    this.write(JSON.stringify(full));
    call.end = full;
  }

  /** Journals an accepted run (the whole job). Throws for a run id the journal already knows. */
  appendAccepted(job: RunJob, at: string): RunEntry {
    if (this.runs.knows(job.runId)) throw new Error(`journal: run ${job.runId} is already known`);
    this.write(JSON.stringify({ type: 'run.accepted', runId: job.runId, job, at }));
    return this.runs.accept(job, at) as RunEntry;
  }

  /** Journals a run event before anyone sends it; it stays in the outbox until the gateway confirms it. */
  appendEvent(envelope: EventEnvelope): void {
    const json = JSON.stringify(envelope);
    const entry = this.runs.runs.get(envelope.runId);
    if (!entry) throw new Error(`journal: event for run ${envelope.runId}, which was never accepted`);
    if (envelope.seq <= entry.lastSeq) throw new Error(`journal: event ${envelope.seq} of run ${envelope.runId} is not above ${entry.lastSeq}`);
    this.write(`{"type":"run.event","envelope":${json}}`);
    this.runs.event(envelope, json);
  }

  appendSuspend(runId: string, afterSeq: number, at: string): void {
    this.write(JSON.stringify({ type: 'run.suspend', runId, afterSeq, at }));
    this.runs.suspend(runId, afterSeq);
  }

  /** A command about to be applied; its answer event follows in the same turn. */
  appendCommand(streamId: string, command: RunCommand, at: string): void {
    this.write(JSON.stringify({ type: 'command', streamId, command, at }));
    this.runs.command(streamId, command);
  }

  /** The command stream was read up to `streamId` without applying anything. */
  appendCursor(streamId: string, at: string): void {
    this.write(JSON.stringify({ type: 'command.cursor', streamId, at }));
    this.runs.cursor = streamId;
  }

  /**
   * Rewrites the file when that is worth it: a run can be retired (ended and confirmed), or many records
   * were appended since the last rewrite (old direct calls go then). Returns the retired run ids, or null
   * when nothing was rewritten.
   */
  compactIfUseful(now = Date.now()): string[] | null {
    const grown = this.records - this.recordsAtCompaction > Math.max(COMPACT_AFTER_RECORDS, this.recordsAtCompaction);
    if (!grown && !this.runs.retirable().length) return null;
    return this.compact(now);
  }

  /**
   * Rewrites the file with only what is still needed; returns the run ids it retired. Atomic: temp file,
   * fsync, rename, fsync of the directory, so a crash leaves the old journal or the new one, never half.
   */
  compact(now = Date.now()): string[] {
    if (this.fd === undefined) throw new Error('journal is closed');
    const retired = prune(this.calls, this.runs, now);
    const lines = compactedLines(this.calls, this.runs, new Date(now).toISOString());
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      if (lines.length) appendFileSync(fd, `${lines.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    const dir = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    // The old descriptor points at the replaced file; appends must go to the new one.
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
    this.records = lines.length;
    this.recordsAtCompaction = lines.length;
    return retired;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(line: string): void {
    if (this.fd === undefined) throw new Error('journal is closed');
    appendFileSync(this.fd, `${line}\n`);
    if (line) this.records++;
    if (this.fsync) fsyncSync(this.fd);
  }
}
