import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DECK_HOLDING_RUN_STATUSES } from '@ivoryos/contracts';
import { Deck, WorkflowRun } from '@ivoryos/db';
import { BadInput, Conflict, NotFound } from '../../common/domain-errors';
import { DecksService } from '../../decks/decks.service';
import { RunDispatcher } from '../dispatch/run-dispatcher';
import type { QueueResponse } from './queue.dto';

@Injectable()
export class QueueService {
  constructor(
    private readonly em: EntityManager,
    private readonly decks: DecksService,
    private readonly dispatcher: RunDispatcher,
  ) {}

  async get(deckName: string): Promise<QueueResponse> {
    const deck = await this.decks.find(deckName);
    const running = await this.em.findOne(
      WorkflowRun,
      { deck: deckName, $or: [{ status: { $in: DECK_HOLDING_RUN_STATUSES } }, { status: 'queued', dispatchedAt: { $ne: null } }] },
      { fields: ['id', 'name', 'status'], orderBy: { createdAt: 'asc' } },
    );
    const waiting = await this.waitingRuns(this.em, deckName);
    return {
      deck: deckName,
      paused: deck.queuePaused,
      running: running ? { id: running.id, name: running.name, status: running.status } : null,
      items: waiting.map((r, i) => ({ id: r.id, name: r.name, position: i + 1, startedBy: r.startedBy, createdAt: r.createdAt.toISOString() })),
    };
  }

  /** Move a queued run to a 1-based position; the others keep their order. */
  async move(deckName: string, runId: string, to: number): Promise<QueueResponse> {
    await this.decks.find(deckName);
    await this.em.fork().transactional(async (em) => {
      await em.findOne(Deck, { name: deckName }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const runs = await this.waitingRuns(em, deckName);
      const from = runs.findIndex((r) => r.id === runId);
      if (from < 0) throw new NotFound(`queued run on deck '${deckName}'`, runId, 'runId');
      if (to > runs.length) throw BadInput.field('to', `the queue holds ${runs.length} run(s)`);
      const [moved] = runs.splice(from, 1);
      runs.splice(to - 1, 0, moved);
      runs.forEach((r, i) => (r.position = i + 1));
    });
    return this.get(deckName);
  }

  async setPaused(deckName: string, paused: boolean): Promise<QueueResponse> {
    await this.decks.find(deckName);
    await this.em.nativeUpdate(Deck, { name: deckName }, { queuePaused: paused });
    if (!paused) this.dispatcher.kick(deckName);
    return this.get(deckName);
  }

  /** Cancel a run that has not been handed to its agent yet. */
  async cancel(runId: string, deckScope?: string): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const run = await em.findOne(WorkflowRun, { id: runId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!run || (deckScope && run.deck !== deckScope)) throw new NotFound('run', runId);
      if (run.status !== 'queued') throw new Conflict(`run ${runId} is ${run.status}; only queued runs can be cancelled (stop a started one)`);
      if (run.dispatchedAt) throw new Conflict(`run ${runId} is being handed to its agent; stop it instead`);
      run.status = 'cancelled';
      run.position = null;
      run.endedAt = new Date();
    });
  }

  async rename(runId: string, name: string, deckScope?: string): Promise<void> {
    const updated = await this.em.nativeUpdate(WorkflowRun, { id: runId, ...(deckScope ? { deck: deckScope } : {}) }, { name });
    if (!updated) throw new NotFound('run', runId);
  }

  private waitingRuns(em: EntityManager, deck: string) {
    return em.find(WorkflowRun, { deck, status: 'queued', dispatchedAt: null }, { orderBy: { position: 'asc', createdAt: 'asc' }, exclude: ['workflowSnapshot', 'checkpoint', 'parameters', 'optimizer'] });
  }
}
