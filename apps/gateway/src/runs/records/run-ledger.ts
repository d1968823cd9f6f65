import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { OptimizerRunPlan } from '../submit/optimizer-run-plan';
import type { RunEventType, RunStatus } from '@ivoryos/contracts';
import { RunCommandRecord, RunEventRecord, WorkflowRun } from '@ivoryos/db';
import type { LedgerRow } from '../live/sse-format';

/** Where a run stands, read together: its status and the highest seq applied with it. */
export interface RunPosition {
  id: string;
  name: string;
  status: RunStatus;
  lastSeq: number;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

/**
 * Reads the run event ledger for live views and logs. Ingestion writes a batch's ledger rows and
 * the run's `lastSeq` in one transaction, so every seq up to `lastSeq` is there to read.
 */
@Injectable()
export class RunLedger {
  constructor(private readonly em: EntityManager) {}

  /** Null when the run does not exist or lies outside the caller's deck. */
  async position(runId: string, deckScope?: string): Promise<RunPosition | null> {
    const run = await this.em.fork().findOne(
      WorkflowRun,
      deckScope ? { id: runId, deck: deckScope } : { id: runId },
      { fields: ['id', 'name', 'status', 'lastSeq', 'createdAt', 'startedAt', 'endedAt'], disableIdentityMap: true },
    );
    if (!run) return null;
    const { id, name, status, lastSeq, createdAt, startedAt, endedAt } = run;
    return { id, name, status, lastSeq, createdAt, startedAt, endedAt };
  }

  /** Iterations (or batches) of the run's main phase, as the agent's plan counts them; null for an unknown run. */
  async mainTotal(runId: string): Promise<number | null> {
    const run = await this.em.fork().findOne(WorkflowRun, { id: runId }, { fields: ['repeat', 'parameters', 'batchSize'], disableIdentityMap: true });
    if (!run) return null;
    return run.parameters ? Math.ceil(run.parameters.length / Math.max(1, run.batchSize)) : run.repeat;
  }

  /** An optimizer run's campaign as kept at submission (null for other runs). */
  async optimizerPlan(runId: string): Promise<OptimizerRunPlan | null> {
    const run = await this.em.fork().findOne(WorkflowRun, { id: runId }, { fields: ['optimizer'], disableIdentityMap: true });
    return (run?.optimizer as unknown as OptimizerRunPlan | null) ?? null;
  }

  /** Who issued each of the run's operator commands, by command id. */
  async commandIssuers(runId: string): Promise<Map<string, string>> {
    const rows = await this.em.fork().find(RunCommandRecord, { runId }, { fields: ['id', 'issuedBy'], disableIdentityMap: true });
    return new Map(rows.map((r) => [r.id, r.issuedBy]));
  }

  /** Ledger rows with `after < seq <= upTo`, oldest first, at most `limit`; only `types` when given. */
  async rows(runId: string, after: number, upTo: number, limit: number, types?: readonly RunEventType[]): Promise<LedgerRow[]> {
    if (upTo <= after) return [];
    const where: Record<string, unknown> = { runId, seq: { $gt: after, $lte: upTo } };
    if (types) where.type = { $in: [...types] };
    const rows = (await this.em
      .fork()
      .createQueryBuilder(RunEventRecord)
      .select(['seq', 'type', 'payload', 'at'])
      .where(where)
      .orderBy({ seq: 'asc' })
      .limit(limit)
      .execute('all', true)) as unknown as { seq: number | string; type: RunEventType; payload: LedgerRow['payload']; at: Date | string }[];
    return rows.map((r) => ({ seq: Number(r.seq), type: r.type, payload: r.payload, at: new Date(r.at) }));
  }
}
