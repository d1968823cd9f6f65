import { EntityManager } from '@mikro-orm/postgresql';
import { HttpStatus, Injectable } from '@nestjs/common';
import { FINAL_RUN_STATUSES } from '@ivoryos/contracts';
import { WorkflowPhase, WorkflowRun, WorkflowStep } from '@ivoryos/db';
import type { ObjectiveSpec } from '@ivoryos/optimizer';
import { BadInput, Conflict, DomainError, NotFound } from '../common/domain-errors';
import { DeckRegistryService } from '../decks/deck-registry.service';
import type { RunQueryDto, StepQueryDto } from './dto/run-query.dto';
import type { RunListResponse, RunResponse, StepPageResponse, StepResponse } from './dto/run-response.dto';
import { buildResults, type ResultsTable } from './results';
import { buildTrials, type TrialsTable } from './trials';
import { toRunResponse, toRunSummary, toStepResponse, type PhaseRow, type StepRow } from './run-mapping';

@Injectable()
export class RunsService {
  constructor(
    private readonly em: EntityManager,
    private readonly decks: DeckRegistryService,
  ) {}

  /** `deckScope`: the deck an API key is limited to; other decks' runs are left out (lists) or not found. */
  async list(q: RunQueryDto, deckScope?: string): Promise<RunListResponse> {
    const where: Record<string, unknown> = {};
    if (q.deck) where.deck = q.deck;
    if (deckScope) where.deck = deckScope;
    if (q.status?.length) where.status = { $in: q.status };
    if (q.workflow) where.workflowName = q.workflow;
    if (q.startedBy) where.startedBy = q.startedBy;
    if (q.externalId) where.externalId = q.externalId;
    if (q.name) where.name = { $ilike: `%${q.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    if (q.from || q.to) where.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    const [runs, total] = await this.em.findAndCount(WorkflowRun, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: q.perPage,
      offset: (q.page - 1) * q.perPage,
      exclude: ['workflowSnapshot', 'checkpoint', 'parameters', 'optimizer'],
    });
    const online = await this.decks.presence(runs.map((r) => r.deck));
    return { items: runs.map((r) => toRunSummary(r, online.get(r.deck) ?? false)), total };
  }

  async get(id: string, deckScope?: string): Promise<RunResponse> {
    const run = await this.find(id, deckScope);
    const phases = await this.phaseRows(id);
    const online = await this.decks.presence([run.deck]);
    return toRunResponse(run, online.get(run.deck) ?? false, phases, await this.stepRows({ runId: id }));
  }

  async steps(id: string, q: StepQueryDto, deckScope?: string): Promise<StepPageResponse> {
    await this.find(id, deckScope);
    const phases = await this.phaseRows(id, q);
    if (!phases.length) return { items: [], nextCursor: null };
    const phaseById = new Map(phases.map((p) => [String(p.id), p]));
    const where: Record<string, unknown> = { runId: id, phase: { $in: phases.map((p) => p.id) } };
    if (q.cursor !== undefined) {
      if (!/^\d{1,18}$/.test(q.cursor)) throw BadInput.field('cursor', 'is not a cursor this API returned');
      where.id = { $gt: q.cursor };
    }
    const rows = await this.stepRows(where, q.limit + 1);
    const page = rows.slice(0, q.limit);
    return {
      items: page.flatMap((s) => withPhase(s, phaseById)),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
    };
  }

  async results(id: string, deckScope?: string): Promise<ResultsTable> {
    const run = await this.find(id, deckScope);
    const phases = await this.phaseRows(id);
    const parameterNames = [...new Set((run.parameters ?? []).flatMap((row) => Object.keys(row)))];
    return buildResults(phases, parameterNames);
  }

  /** An optimizer run's trials in trial order, with the best trial (one objective) or the Pareto front (several). */
  async trials(id: string, deckScope?: string): Promise<TrialsTable> {
    const run = await this.find(id, deckScope);
    const plan = run.optimizer as { config?: { objectives?: ObjectiveSpec[] } } | null;
    if (run.mode !== 'optimizer' || !plan?.config?.objectives) {
      throw new DomainError(HttpStatus.NOT_FOUND, `run ${id} is a ${run.mode} run: only optimizer runs have trials`);
    }
    return buildTrials(await this.phaseRows(id, { phase: 'main' }), plan.config.objectives);
  }

  /** Every step row of a run, oldest first, for steps.csv. */
  async allSteps(id: string, deckScope?: string): Promise<StepResponse[]> {
    await this.find(id, deckScope);
    const phaseById = new Map((await this.phaseRows(id)).map((p) => [String(p.id), p]));
    return (await this.stepRows({ runId: id })).flatMap((s) => withPhase(s, phaseById));
  }

  async remove(id: string, deckScope?: string): Promise<void> {
    const run = await this.find(id, deckScope);
    if (!FINAL_RUN_STATUSES.includes(run.status)) {
      throw new Conflict(`run ${id} is ${run.status}; cancel or stop it before deleting its records`);
    }
    await this.em.nativeDelete(WorkflowRun, { id });
  }

  private async find(id: string, deckScope?: string): Promise<WorkflowRun> {
    const run = await this.em.findOne(WorkflowRun, deckScope ? { id, deck: deckScope } : { id });
    if (!run) throw new NotFound('run', id);
    return run;
  }

  private async stepRows(where: Record<string, unknown>, limit?: number): Promise<StepRow[]> {
    const qb = this.em.createQueryBuilder(WorkflowStep).select('*').where(where).orderBy({ id: 'asc' });
    if (limit !== undefined) qb.limit(limit);
    return (await qb.execute('all', true)) as unknown as StepRow[];
  }

  private async phaseRows(runId: string, q: { phase?: string; iteration?: number } = {}): Promise<PhaseRow[]> {
    const where: Record<string, unknown> = { run: runId };
    if (q.phase) where.name = q.phase;
    if (q.iteration !== undefined) where.repeatIndex = q.iteration;
    return (await this.em
      .createQueryBuilder(WorkflowPhase)
      .select('*')
      .where(where)
      .orderBy({ id: 'asc' })
      .execute('all', true)) as unknown as PhaseRow[];
  }
}

/** A step with its phase's name and index; a row whose phase is gone (cannot happen: cascade) is left out. */
function withPhase(s: StepRow, phases: Map<string, PhaseRow>): StepResponse[] {
  const phase = phases.get(String(s.phase));
  return phase ? [toStepResponse(s, phase)] : [];
}
