import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DirectCallResult, JsonObject } from '@ivoryos/contracts';

/** Written before the driver is called: from here on the call may have reached the hardware. */
export interface CallStartRecord {
  type: 'call.start';
  callId: string;
  instrument: string;
  action: string;
  kwargs: JsonObject;
  calledBy: string;
  at: string;
}

export interface CallEndRecord {
  type: 'call.end';
  callId: string;
  result: DirectCallResult;
  at: string;
}

export type JournalRecord = CallStartRecord | CallEndRecord;

export interface JournaledCall {
  start: CallStartRecord;
  end?: CallEndRecord;
}

export interface Replay {
  calls: Map<string, JournaledCall>;
  /** Lines that are not records: a torn last line from a killed process, or damage. */
  unreadable: { line: number; text: string }[];
}

/** Rebuilds what the journal knows from its JSONL text. Pure, so it can be tested without files. */
export function replayJournal(text: string): Replay {
  const calls = new Map<string, JournaledCall>();
  const unreadable: Replay['unreadable'] = [];
  text.split('\n').forEach((raw, index) => {
    if (!raw.trim()) return;
    const record = parseRecord(raw);
    if (!record) {
      unreadable.push({ line: index + 1, text: raw.slice(0, 200) });
      return;
    }
    if (record.type === 'call.start') {
      // A start is never overwritten: the first one is when the hardware could first be reached.
      if (!calls.has(record.callId)) calls.set(record.callId, { start: record });
    } else {
      const call = calls.get(record.callId);
      if (call) call.end = record;
      else unreadable.push({ line: index + 1, text: `end without start for call ${record.callId}` });
    }
  });
  return { calls, unreadable };
}

function parseRecord(raw: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<Record<string, unknown>>;
  if (typeof r['callId'] !== 'string' || typeof r['at'] !== 'string') return undefined;
  if (r['type'] === 'call.start' && typeof r['instrument'] === 'string' && typeof r['action'] === 'string') return value as CallStartRecord;
  if (r['type'] === 'call.end' && typeof r['result'] === 'object' && r['result'] !== null) return value as CallEndRecord;
  return undefined;
}

/**
 * The agent's local journal, `<dataDir>/journal/<deck>.jsonl`: one JSON record per line,
 * appended synchronously so a record written before a driver call survives `kill -9` (the
 * write has reached the kernel). With `fsync` it also survives power loss.
 */
export class Journal {
  /** Lines the replay at open could not read; the agent logs them. */
  readonly unreadable: Replay['unreadable'];
  private readonly calls: Map<string, JournaledCall>;
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    private readonly fsync: boolean,
    replay: Replay,
  ) {
    this.calls = replay.calls;
    this.unreadable = replay.unreadable;
    this.fd = openSync(file, 'a');
  }

  static open(dataDir: string, deck: string, options: { fsync: boolean }): Journal {
    const dir = join(dataDir, 'journal');
    mkdirSync(dir, { recursive: true });
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

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(line: string): void {
    if (this.fd === undefined) throw new Error('journal is closed');
    appendFileSync(this.fd, `${line}\n`);
    if (this.fsync) fsyncSync(this.fd);
  }
}
