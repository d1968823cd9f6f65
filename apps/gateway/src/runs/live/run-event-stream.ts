import type { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { FINAL_RUN_STATUSES, type JsonObject, type RunStatus } from '@ivoryos/contracts';
import type { RunLedger } from '../records/run-ledger';
import type { RunStreamHub, RunWatcher } from './run-stream-hub';
import { formatSseComment, formatSseFrame, formatSseRetry, framesForLedgerRow, SSE_EVENTS, type SseFrame } from './sse-format';

/** Proxies drop idle connections after about a minute; a comment every 15 s keeps them open. */
export const KEEP_ALIVE_MS = 15_000;
const RECONNECT_MS = 2_000;
const PAGE = 500;

export interface RunEventStreamOptions {
  runId: string;
  /** Ledger events above this seq are sent (the client's Last-Event-ID, or the snapshot's position). */
  cursor: number;
  /** The run as `GET /api/runs/:id` answers it. */
  snapshot: JsonObject & { status: RunStatus };
  ledger: RunLedger;
  hub: RunStreamHub;
  logger: Logger;
  keepAliveMs?: number;
}

/**
 * One client's live view of a run: the snapshot, then every ledger event above the cursor in seq
 * order, each once. Woken by the hub (and by its own keep-alive tick, so a lost notification only
 * delays), it reads PostgreSQL; it ends after the final status.
 */
export class RunEventStream implements RunWatcher {
  private cursor: number;
  private lastStatus: RunStatus;
  private pulling = false;
  private again = false;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private unwatch?: () => void;

  constructor(
    private readonly res: Response,
    private readonly opts: RunEventStreamOptions,
  ) {
    this.cursor = opts.cursor;
    this.lastStatus = opts.snapshot.status;
  }

  /** Sends the headers and the snapshot, then follows the run until it ends or the client leaves. */
  start(): void {
    const { res } = this;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // nginx buffers responses unless told otherwise, which would hold events back.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.on('close', () => this.cleanUp());
    void this.write(formatSseRetry(RECONNECT_MS) + formatSseFrame({ event: SSE_EVENTS.snapshot, data: this.opts.snapshot }));
    this.unwatch = this.opts.hub.watch(this.opts.runId, this);
    this.timer = setInterval(() => {
      void this.write(formatSseComment('keep-alive'));
      this.wake();
    }, this.opts.keepAliveMs ?? KEEP_ALIVE_MS);
    this.wake();
  }

  wake(): void {
    if (this.closed) return;
    if (this.pulling) {
      this.again = true;
      return;
    }
    this.pulling = true;
    void this.pullUntilQuiet().finally(() => {
      this.pulling = false;
    });
  }

  close(): void {
    this.end();
  }

  private async pullUntilQuiet(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pull();
      } catch (err) {
        // A database hiccup: the next wake or tick tries again from the same cursor.
        this.opts.logger.warn(`live view of run ${this.opts.runId}: ${(err as Error).message}`);
        return;
      }
    } while (this.again && !this.closed);
  }

  private async pull(): Promise<void> {
    const { ledger, runId } = this.opts;
    const run = await ledger.position(runId);
    if (!run) return this.end(); // deleted meanwhile
    while (!this.closed && this.cursor < run.lastSeq) {
      const rows = await ledger.rows(runId, this.cursor, run.lastSeq, PAGE);
      if (!rows.length) break;
      let chunk = '';
      for (const row of rows) {
        for (const frame of framesForLedgerRow(row)) chunk += formatSseFrame(frame);
        if (row.type === 'run.status' && row.payload && typeof row.payload === 'object' && !Array.isArray(row.payload)) {
          this.lastStatus = row.payload.status as RunStatus;
        }
      }
      this.cursor = rows[rows.length - 1].seq;
      if (chunk) await this.write(chunk);
    }
    if (this.closed || !FINAL_RUN_STATUSES.includes(run.status) || this.cursor < run.lastSeq) return;
    let last = '';
    // A queued run cancelled in the gateway has no status event in the ledger: say it anyway (without an id).
    if (this.lastStatus !== run.status) {
      last += formatSseFrame({
        event: SSE_EVENTS.status,
        data: { seq: run.lastSeq, at: (run.endedAt ?? new Date()).toISOString(), type: 'run.status', status: run.status },
      });
    }
    const end: SseFrame = { event: SSE_EVENTS.end, data: { status: run.status } };
    await this.write(last + formatSseFrame(end));
    this.end();
  }

  /** Waits for the socket to drain when the client reads slowly, so a stream never buffers without bound. */
  private async write(chunk: string): Promise<void> {
    if (this.closed || this.res.destroyed) return;
    if (this.res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  private end(): void {
    if (this.closed) return;
    this.cleanUp();
    this.res.end();
  }

  private cleanUp(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.unwatch?.();
    this.unwatch = undefined;
  }
}
