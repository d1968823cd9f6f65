import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@ivoryos/contracts';
import { WorkflowPhase, WorkflowRun, WorkflowStep } from '@ivoryos/db';
import { DomainError } from '../common/domain-errors';
import type { PhaseRow, StepRow } from '../runs/run-mapping';
import { gmt, toRecordDetail } from './ivoryos-format';

/** IvoryOS's 404 for a run id it does not know. */
export class WorkflowNotFound extends DomainError {
  constructor() {
    super(404, 'Workflow not found');
  }
}

/** IvoryOS's run records (`/executions/records`) read from our run records, runs named by number. */
@Injectable()
export class IvoryosRecordsService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Every run of the deck whose name holds the keyword, ascending by number (the client takes the
   * last as the newest). Queued runs are listed too: a run is recorded here from its submission.
   */
  async list(deck: string, keyword: string): Promise<JsonObject> {
    const where: Record<string, unknown> = { deck };
    if (keyword) where.name = { $ilike: `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    const runs = await this.em.fork().find(WorkflowRun, where, { fields: ['number', 'name', 'createdAt', 'startedAt'], orderBy: { number: 'asc' } });
    // Integer-like keys keep ascending order in JSON, as Python's sorted dict of int ids does.
    const data: JsonObject = {};
    for (const r of runs) data[String(r.number)] = { start_time: gmt(r.startedAt ?? r.createdAt), workflow_name: r.name };
    return { workflow_data: data };
  }

  async detail(deck: string, id: string): Promise<JsonObject> {
    if (!/^\d{1,10}$/.test(id) || Number(id) > 2_147_483_647) throw new WorkflowNotFound();
    const em = this.em.fork();
    const run = await em.findOne(WorkflowRun, { number: Number(id), deck }, { exclude: ['workflowSnapshot', 'checkpoint'] });
    if (!run) throw new WorkflowNotFound();
    const phases = (await em.createQueryBuilder(WorkflowPhase).select('*').where({ run: run.id }).orderBy({ id: 'asc' }).execute('all', true)) as unknown as PhaseRow[];
    const steps = (await em.createQueryBuilder(WorkflowStep).select('*').where({ runId: run.id }).orderBy({ id: 'asc' }).execute('all', true)) as unknown as StepRow[];
    return toRecordDetail(run, phases, steps);
  }
}
