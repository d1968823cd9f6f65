import { FINAL_RUN_STATUSES, type EventEnvelope, type RunCommand, type RunJob, type RunStatus } from '@ivoryos/contracts';
import type { RunDoneRecord } from './records';

/** One journaled event as its JSON text (what is sent, and what compaction writes back). */
export interface JournaledEvent {
  seq: number;
  json: string;
}

/** An event the gateway has not confirmed; `sentId` is its entry on the events stream once sent. */
export interface PendingEvent extends JournaledEvent {
  sentId: string | null;
}

/** A command applied after the last checkpoint, with the seq of its answer: a restart applies it again. */
export interface AppliedCommand {
  command: RunCommand;
  answerSeq: number;
}

/** What the journal knows about one accepted run that has not been retired. */
export interface RunEntry {
  readonly runId: string;
  readonly job: RunJob;
  readonly acceptedAt: string;
  lastSeq: number;
  /** The newest event: kept through compaction so the numbering continues after a restart. */
  lastEvent: JournaledEvent | null;
  /** The final `run.status` event once the run has ended. */
  end: { status: RunStatus; event: JournaledEvent } | null;
  checkpoint: JournaledEvent | null;
  /** Every event after the last checkpoint: a resume reads step results and commands from them. */
  afterCheckpoint: JournaledEvent[];
  /** Unconfirmed events in seq order: the outbox. `[0, sentCount)` are on the stream, the rest are not. */
  pending: PendingEvent[];
  sentCount: number;
  /** Highest seq the gateway has committed (never goes down, even when Redis forgets it). */
  confirmed: number;
  answered: Set<string>;
  /** Commands journaled and not answered yet (they are answered in the same turn). */
  received: Map<string, RunCommand>;
  reapply: AppliedCommand[];
  /** Seq after which the stopping agent asked the run to pause; null when it did not. */
  suspendedAfter: number | null;
}

function newEntry(job: RunJob, at: string): RunEntry {
  return {
    runId: job.runId, job, acceptedAt: at, lastSeq: 0, lastEvent: null, end: null, checkpoint: null, afterCheckpoint: [], pending: [],
    sentCount: 0, confirmed: 0, answered: new Set(), received: new Map(), reapply: [], suspendedAfter: null,
  };
}

/**
 * The runs part of the journal, rebuilt record by record (at open) and kept up to date by every append.
 * Pure: no files, no Redis. Methods return a problem text for records that do not fit, never throw.
 */
export class RunBook {
  /** Live runs in the order they were accepted. */
  readonly runs = new Map<string, RunEntry>();
  /** Retired runs: ended and confirmed; their job ids are still refused. */
  readonly done = new Map<string, RunDoneRecord>();
  /** Last command-stream id written; `0` reads the stream from its start. */
  cursor = '0';

  knows(runId: string): boolean {
    return this.runs.has(runId) || this.done.has(runId);
  }

  accept(job: RunJob, at: string): RunEntry | string {
    if (this.knows(job.runId)) return `run ${job.runId} accepted twice`;
    const entry = newEntry(job, at);
    this.runs.set(job.runId, entry);
    return entry;
  }

  event(envelope: EventEnvelope, json: string): string | undefined {
    const entry = this.runs.get(envelope.runId);
    if (!entry) return `event ${envelope.seq} for run ${envelope.runId}, which was never accepted`;
    if (envelope.seq <= entry.lastSeq) return `event ${envelope.seq} of run ${envelope.runId} is not above ${entry.lastSeq}`;
    const journaled: JournaledEvent = { seq: envelope.seq, json };
    entry.lastSeq = envelope.seq;
    entry.lastEvent = journaled;
    const e = envelope.event;
    if (e.type === 'checkpoint') {
      entry.checkpoint = journaled;
      entry.afterCheckpoint = [];
      entry.reapply = [];
      entry.received.clear();
    } else {
      entry.afterCheckpoint.push(journaled);
    }
    if (e.type === 'run.status' && FINAL_RUN_STATUSES.includes(e.status)) entry.end = { status: e.status, event: journaled };
    if (e.type === 'command') {
      entry.answered.add(e.commandId);
      const command = entry.received.get(e.commandId);
      entry.received.delete(e.commandId);
      if (command && e.outcome === 'applied') entry.reapply.push({ command, answerSeq: envelope.seq });
    }
    if (envelope.seq > entry.confirmed) entry.pending.push({ seq: envelope.seq, json, sentId: null });
    return undefined;
  }

  command(streamId: string, command: RunCommand): void {
    this.cursor = streamId;
    this.runs.get(command.runId)?.received.set(command.commandId, command);
  }

  answered(runId: string, commandIds: string[]): string | undefined {
    const entry = this.runs.get(runId);
    if (!entry) return `answered commands for run ${runId}, which was never accepted`;
    for (const id of commandIds) entry.answered.add(id);
    return undefined;
  }

  suspend(runId: string, afterSeq: number): string | undefined {
    const entry = this.runs.get(runId);
    if (!entry) return `suspend of run ${runId}, which was never accepted`;
    entry.suspendedAfter = afterSeq;
    return undefined;
  }

  retire(record: RunDoneRecord): void {
    this.runs.delete(record.runId);
    this.done.set(record.runId, record);
  }

  /**
   * The gateway committed the run up to `seq`: those events leave the outbox. Returns whether anything
   * changed. A lower value (Redis lost the hash) changes nothing.
   */
  confirm(runId: string, seq: number): boolean {
    const entry = this.runs.get(runId);
    if (!entry || seq <= entry.confirmed) return false;
    entry.confirmed = seq;
    let drop = 0;
    while (drop < entry.pending.length && entry.pending[drop].seq <= seq) drop++;
    entry.pending.splice(0, drop);
    entry.sentCount = Math.max(0, entry.sentCount - drop);
    return true;
  }

  /** Ended runs whose every event the gateway has committed: compaction retires them. */
  retirable(): RunEntry[] {
    return [...this.runs.values()].filter((r) => r.end !== null && r.confirmed >= r.lastSeq);
  }

  /** Runs with events the gateway has not confirmed. */
  unconfirmed(): RunEntry[] {
    return [...this.runs.values()].filter((r) => r.pending.length > 0);
  }
}
