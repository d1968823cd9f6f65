import type { DirectCallResult, EventEnvelope, JsonObject, RunCommand, RunJob, RunStatus } from '@ivoryos/contracts';

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

/** A direct call as the journal knows it. */
export interface JournaledCall {
  start: CallStartRecord;
  end?: CallEndRecord;
}

/** The whole `run.accept` payload: the agent has no database, this is the run's only copy. */
export interface RunAcceptedRecord {
  type: 'run.accepted';
  runId: string;
  job: RunJob;
  at: string;
}

/** One run event. Written before it is sent: the journal is the outbox. */
export interface RunEventRecord {
  type: 'run.event';
  envelope: EventEnvelope;
}

/** The agent was stopped during the run and asked it to pause; a restarted agent keeps that request. */
export interface RunSuspendRecord {
  type: 'run.suspend';
  runId: string;
  /** The run's last seq when the pause was asked for. */
  afterSeq: number;
  at: string;
}

/** Written by compaction: the command ids a run has answered, so a re-sent command is not applied twice. */
export interface RunAnsweredRecord {
  type: 'run.answered';
  runId: string;
  commandIds: string[];
}

/** Written by compaction for an ended, fully confirmed run: its job id is never run again. */
export interface RunDoneRecord {
  type: 'run.done';
  runId: string;
  status: RunStatus;
  lastSeq: number;
  at: string;
}

/** A command read from the deck's command stream, written before it is applied. */
export interface CommandRecord {
  type: 'command';
  streamId: string;
  command: RunCommand;
  at: string;
}

/** The command stream was read up to here (commands that were not applied: repeats, other runs). */
export interface CursorRecord {
  type: 'command.cursor';
  streamId: string;
  at: string;
}

export type JournalRecord =
  | CallStartRecord | CallEndRecord | RunAcceptedRecord | RunEventRecord | RunSuspendRecord | RunAnsweredRecord | RunDoneRecord
  | CommandRecord | CursorRecord;

type Fields = Partial<Record<string, unknown>>;
const text = (r: Fields, key: string): boolean => typeof r[key] === 'string';
const int = (r: Fields, key: string): boolean => typeof r[key] === 'number' && Number.isInteger(r[key]);
const object = (r: Fields, key: string): boolean => typeof r[key] === 'object' && r[key] !== null;

/** Shape checks per record type; a line that fails them is reported as unreadable, never guessed at. */
const CHECKS: Record<JournalRecord['type'], (r: Fields) => boolean> = {
  'call.start': (r) => text(r, 'callId') && text(r, 'at') && text(r, 'instrument') && text(r, 'action'),
  'call.end': (r) => text(r, 'callId') && text(r, 'at') && object(r, 'result'),
  'run.accepted': (r) => text(r, 'runId') && text(r, 'at') && object(r, 'job'),
  'run.event': (r) => {
    const e = r['envelope'] as Fields | null | undefined;
    return typeof e === 'object' && e !== null && text(e, 'runId') && int(e, 'seq') && object(e, 'event');
  },
  'run.suspend': (r) => text(r, 'runId') && int(r, 'afterSeq'),
  'run.answered': (r) => text(r, 'runId') && Array.isArray(r['commandIds']),
  'run.done': (r) => text(r, 'runId') && text(r, 'status') && int(r, 'lastSeq') && text(r, 'at'),
  command: (r) => {
    const c = r['command'] as Fields | null | undefined;
    return text(r, 'streamId') && typeof c === 'object' && c !== null && text(c, 'commandId') && text(c, 'runId') && text(c, 'type');
  },
  'command.cursor': (r) => text(r, 'streamId'),
};

export function parseRecord(raw: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const type = (value as Fields)['type'];
  if (typeof type !== 'string' || !Object.hasOwn(CHECKS, type)) return undefined;
  return CHECKS[type as JournalRecord['type']](value as Fields) ? (value as JournalRecord) : undefined;
}

/** Stream ids `<ms>-<n>` compared numerically; `0` sorts first. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, an = 0n] = a.split('-').map((p) => BigInt(p));
  const [bm = 0n, bn = 0n] = b.split('-').map((p) => BigInt(p));
  if (am !== bm) return am < bm ? -1 : 1;
  if (an !== bn) return an < bn ? -1 : 1;
  return 0;
}
