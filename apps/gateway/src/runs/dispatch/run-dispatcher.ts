import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CONTRACT_VERSION, DECK_HOLDING_RUN_STATUSES, type RunJob, type TraceContext } from '@ivoryos/contracts';
import { Deck, WorkflowRun } from '@ivoryos/db';
import { traceContextOf, withSpan } from '@ivoryos/telemetry';
import { DeckRegistryService } from '../../decks/deck-registry.service';
import { RunHandoverProducer } from '../../transport/run-handover.producer';
import { RunUpdates } from '../ingest/run-updates';
import { optimizerJob, type OptimizerRunPlan } from '../submit/optimizer-run-plan';

/** How often queued runs are looked for: covers triggers lost to a crash and hand-overs lost in a Redis wipe. */
const SWEEP_MS = 5000;
/** A hand-over older than this whose job Redis no longer holds is made again (see handOverLostJobs). */
const REHAND_AFTER_MS = 5000;

/**
 * Hands the head of a deck's queue to its agent when the deck is free: queue order and the paused
 * flag live in PostgreSQL, so reordering is a row update and a Redis wipe loses no queue. The deck
 * row is locked while deciding, so two gateway replicas never hand over two runs at once.
 */
@Injectable()
export class RunDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RunDispatcher.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    private readonly handovers: RunHandoverProducer,
    private readonly registry: DeckRegistryService,
    private readonly updates: RunUpdates,
  ) {}

  onModuleInit(): void {
    this.updates.committed.subscribe((u) => {
      if (u.statusChanged && !DECK_HOLDING_RUN_STATUSES.includes(u.status) && u.status !== 'queued') this.kick(u.deck);
    });
    this.registry.cameOnline.subscribe((deck) => this.kick(deck));
    // Covers triggers lost to a crash between commit and hand-over, and hand-overs lost in a Redis wipe.
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Try to start the deck's next run; never throws (logged), callers need not wait. */
  kick(deck: string): void {
    const previous = this.inFlight.get(deck) ?? Promise.resolve();
    const next = previous.then(() => this.dispatch(deck)).catch((err: Error) => this.logger.warn(`dispatch ${deck}: ${err.message}`));
    this.inFlight.set(deck, next);
    void next.finally(() => {
      if (this.inFlight.get(deck) === next) this.inFlight.delete(deck);
    });
  }

  /** Waits for pending dispatches of a deck (tests and shutdown). */
  async settled(deck: string): Promise<void> {
    await this.inFlight.get(deck);
  }

  private async dispatch(deckName: string): Promise<void> {
    const head = await this.em.fork().transactional(async (em) => {
      const deck = await em.findOne(Deck, { name: deckName }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!deck || deck.queuePaused || !this.registry.isOnline(deck)) return null;
      const holding = await em.count(WorkflowRun, {
        deck: deckName,
        $or: [{ status: { $in: DECK_HOLDING_RUN_STATUSES } }, { status: 'queued', dispatchedAt: { $ne: null } }],
      });
      if (holding) return null;
      const run = await em.findOne(WorkflowRun, { deck: deckName, status: 'queued', dispatchedAt: null }, { orderBy: { position: 'asc', createdAt: 'asc' } });
      if (!run) return null;
      run.dispatchedAt = new Date();
      return run;
    });
    if (!head) return;
    try {
      await this.handOver(head);
      this.logger.log(`run ${head.id} handed to deck ${deckName}`);
    } catch (err) {
      // Not delivered: free the deck again so the next kick or sweep retries.
      await this.em.fork().nativeUpdate(WorkflowRun, { id: head.id, status: 'queued' }, { dispatchedAt: null });
      throw err;
    }
  }

  private async sweep(): Promise<void> {
    try {
      const rows = await this.em.fork().getConnection().execute<{ deck: string }[]>(
        "select distinct deck from workflow_run where status = 'queued' and dispatched_at is null",
      );
      for (const { deck } of rows) this.kick(deck);
      await this.handOverLostJobs();
    } catch (err) {
      this.logger.warn(`sweep: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * The reconciler for hand-overs a Redis wipe (FLUSHALL, a restart without persistence) took: the run
   * is `queued` with `dispatchedAt` set and its `run.accept` job is gone, so the deck would wait for it
   * forever. The job is created again under the same id. That is safe: BullMQ ignores an id it still
   * holds, and the agent ignores a run id already in its journal (it never becomes a second run).
   */
  private async handOverLostJobs(): Promise<void> {
    const handed = await this.em.fork().find(WorkflowRun, { status: 'queued', dispatchedAt: { $ne: null, $lt: new Date(Date.now() - REHAND_AFTER_MS) } }, { limit: 100 });
    for (const run of handed) {
      if (await this.handovers.isHeld(run.deck, run.id)) continue;
      await this.handOver(run);
      this.logger.warn(`run ${run.id}: its run.accept job is gone from Redis (wiped?); handed to deck ${run.deck} again`);
    }
  }

  private async handOver(run: WorkflowRun): Promise<void> {
    // A child of the submitting request's span, whenever the deck frees: the run keeps one trace.
    await withSpan('dispatch run', { parent: run.traceContext, attributes: { 'ivoryos.run': run.id, 'ivoryos.deck': run.deck } }, async () => {
      const job: RunJob = {
        schemaVersion: CONTRACT_VERSION, runId: run.id, deck: run.deck, name: run.name, workflow: run.workflowSnapshot, mode: run.mode, repeat: run.repeat,
        parameters: run.parameters, batchSize: run.batchSize, onError: run.onError, schemaHash: null, submittedBy: run.startedBy ?? '',
        resume: run.lastSeq > 0 && run.checkpoint ? { checkpoint: run.checkpoint, lastSeq: run.lastSeq } : null,
        optimizer: run.mode === 'optimizer' && run.optimizer ? optimizerJob(run.optimizer as unknown as OptimizerRunPlan) : null,
        ...traced(),
      };
      await this.handovers.handOver(job);
    });
  }
}

/** `{ trace }` of the active span when tracing, else nothing (the job stays as it was). */
function traced(): { trace?: TraceContext } {
  const trace = traceContextOf();
  return trace ? { trace } : {};
}
