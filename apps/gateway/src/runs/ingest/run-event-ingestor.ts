import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { channelNames, type EventEnvelope } from '@ivoryos/contracts';
import { WorkflowRun } from '@ivoryos/db';
import { endSpan, startSpan, tracingEnabled } from '@ivoryos/telemetry';
import { isUuid } from '../../common/param-pipes';
import { REDIS } from '../../redis/redis.module';
import { RunConfirmations } from '../../transport/run-confirmations';
import { applyEvent, insertLedger, openCursor, type RunCursor } from './apply-event';
import { RunUpdates, type RunUpdate } from './run-updates';

/**
 * Applies agents' run events to PostgreSQL: in seq order per run, each exactly once (a seq at or
 * below the run's last one is a re-send and is skipped), a whole batch in one transaction.
 * After the commit it tells the agent how far it got, so the agent can trim its journal.
 */
@Injectable()
export class RunEventIngestor {
  private readonly logger = new Logger(RunEventIngestor.name);

  constructor(
    private readonly em: EntityManager,
    private readonly confirmations: RunConfirmations,
    private readonly updates: RunUpdates,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * Returns how many leading envelopes are done; it stops before a gap in a run's seq. With
   * `streamDeck` (the deck whose stream they were read from), events of another deck's runs are
   * dropped: an agent's credential reaches only its own stream, and must not reach other runs.
   */
  async ingest(envelopes: EventEnvelope[], streamDeck?: string): Promise<number> {
    const applied = new Map<string, { cursor: RunCursor; events: EventEnvelope[]; statusBefore: string }>();
    let done = 0;
    const began = new Date();
    await this.em.fork().transactional(async (em) => {
      const runIds = [...new Set(envelopes.map((e) => e.runId))].filter(isUuid);
      // Without the large JSON columns events never read (the snapshot holds the whole workflow): every batch
      // would parse them, and the flush would compare them to find what changed. A checkpoint is still written.
      const runs = (runIds.length
        ? await em.find(WorkflowRun, { id: { $in: runIds } }, { lockMode: LockMode.PESSIMISTIC_WRITE, exclude: ['workflowSnapshot', 'parameters', 'checkpoint', 'optimizer'] })
        : []) as unknown as WorkflowRun[];
      const byId = new Map(runs.map((r) => [r.id, r]));
      for (const env of envelopes) {
        const run = byId.get(env.runId);
        if (!run) {
          this.logger.warn(`event ${env.runId}#${env.seq} for an unknown run; dropped`);
          done++;
          continue;
        }
        if (streamDeck !== undefined && (run.deck !== streamDeck || env.deck !== streamDeck)) {
          this.logger.warn(`event ${env.runId}#${env.seq} on deck ${streamDeck}'s stream is for a run of deck ${run.deck}; dropped`);
          done++;
          continue;
        }
        if (env.seq <= run.lastSeq) {
          done++; // re-sent, already applied
          continue;
        }
        if (env.seq !== run.lastSeq + 1) {
          this.logger.warn(`run ${run.id}: event ${env.seq} arrived before ${run.lastSeq + 1}; waiting for the missing ones`);
          break;
        }
        let entry = applied.get(run.id);
        if (!entry) applied.set(run.id, (entry = { cursor: openCursor(run), events: [], statusBefore: run.status }));
        await applyEvent(em, entry.cursor, env);
        entry.events.push(env);
        done++;
      }
      await insertLedger(em, [...applied.values()].flatMap((a) => a.cursor.ledger));
    });
    if (tracingEnabled()) traceIngestion([...applied.values()].flatMap((a) => a.events), began);
    for (const { cursor, events, statusBefore } of applied.values()) {
      const run = cursor.run;
      await this.confirmations.confirm(run.deck, run.id, run.lastSeq).catch((err: Error) => this.logger.warn(`confirming ${run.id}: ${err.message}`));
      const update: RunUpdate = {
        runId: run.id, deck: run.deck, name: run.name, events, status: run.status, statusChanged: run.status !== statusBefore, lastSeq: run.lastSeq,
      };
      this.updates.committed.next(update);
      await this.redis
        .publish(channelNames.runUpdates, JSON.stringify({ runId: run.id, deck: run.deck, lastSeq: run.lastSeq, origin: this.updates.origin }))
        .catch((err: Error) => this.logger.debug(`publishing update of ${run.id}: ${err.message}`));
    }
    return done;
  }
}

/**
 * The last hop of a run's trace: one span per agent span whose events this batch committed (a
 * driver call's start and end, a phase's, the run's status), from the batch's start to its commit.
 */
function traceIngestion(events: EventEnvelope[], began: Date): void {
  const byParent = new Map<string, EventEnvelope[]>();
  for (const env of events) {
    if (env.trace) byParent.set(env.trace.traceparent, [...(byParent.get(env.trace.traceparent) ?? []), env]);
  }
  for (const group of byParent.values()) {
    const span = startSpan('ingest run events', {
      parent: group[0].trace, startTime: began,
      attributes: { 'ivoryos.run': group[0].runId, 'ivoryos.events': group.map((e) => e.event.type).join(','), 'ivoryos.seq': group[0].seq },
    });
    endSpan(span);
  }
}
