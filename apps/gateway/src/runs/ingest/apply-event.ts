import type { EntityManager } from '@mikro-orm/postgresql';
import {
  FINAL_RUN_STATUSES, type EventEnvelope, type JsonObject, type PhaseName, type RunEvent,
} from '@ivoryos/contracts';
import { RunCommandRecord, WorkflowPhase, WorkflowStep, type WorkflowRun } from '@ivoryos/db';

/** One row of the run's event ledger (`run_event`). */
export interface LedgerRow {
  runId: string;
  seq: number;
  type: RunEvent['type'];
  payload: JsonObject | null;
  at: string;
}

/** Per-run working state while a batch is applied inside one transaction. */
export interface RunCursor {
  run: WorkflowRun;
  phase?: WorkflowPhase;
  /** Step rows still running, by phase id, step, sample and attempt: this batch's, and earlier ones once read. */
  running: Map<string, WorkflowStep>;
  /** Whether the running step rows of earlier batches have been read into `running`. */
  runningRead: boolean;
  /** Ledger rows of the batch, written by `insertLedger` in the same transaction. */
  ledger: LedgerRow[];
}

const stepKey = (phaseId: string, stepIndex: number, sample: number, attempt: number) => `${phaseId}:${stepIndex}:${sample}:${attempt}`;

/**
 * A batch's working state for a run. Its phase and running step rows are read only when an event
 * needs them: most batches start and finish their steps themselves and need neither query.
 */
export function openCursor(run: WorkflowRun): RunCursor {
  return { run, running: new Map(), runningRead: false, ledger: [] };
}

/** The row of a step that finishes: started in this batch, or read with the run's running steps. */
async function runningStep(em: EntityManager, cursor: RunCursor, key: string): Promise<WorkflowStep | undefined> {
  if (!cursor.running.has(key) && !cursor.runningRead) {
    cursor.runningRead = true;
    const steps = await em.find(WorkflowStep, { runId: cursor.run.id, status: 'running' }, { populate: [] });
    for (const s of steps) cursor.running.set(stepKey(String(s.phase.id), s.stepIndex, s.sample, s.attempt), s);
  }
  return cursor.running.get(key);
}

/**
 * Writes the batch's ledger rows with one INSERT: the ledger is most of what a batch writes (every event,
 * several per step), and an entity per row costs the unit of work far more than the row costs PostgreSQL.
 * A row already there (a re-send that got past the seq check) is left as it is.
 */
export async function insertLedger(em: EntityManager, rows: LedgerRow[]): Promise<void> {
  if (!rows.length) return;
  await em.execute(
    `insert into run_event (run_id, seq, type, payload, at)
     select * from json_to_recordset(?::json) as r("runId" uuid, seq int, type varchar, payload jsonb, at timestamptz)
     on conflict do nothing`,
    [JSON.stringify(rows)],
  );
}

/** Apply one event to the run's records (entities of `em`; flushed by the caller) and ledger it. */
export async function applyEvent(em: EntityManager, cursor: RunCursor, env: EventEnvelope): Promise<void> {
  const { run } = cursor;
  const at = new Date(env.at);
  const e = env.event;
  cursor.ledger.push({ runId: run.id, seq: env.seq, type: e.type, payload: e.type === 'checkpoint' ? null : ledgerPayload(e), at: env.at });
  switch (e.type) {
    case 'run.status':
      run.status = e.status;
      run.waiting = e.waiting ?? null;
      if (e.error !== undefined && e.error !== null) run.error = e.error;
      if (e.status === 'running' && !run.startedAt) run.startedAt = at;
      if (FINAL_RUN_STATUSES.includes(e.status)) {
        run.endedAt = at;
        run.waiting = null;
      }
      break;
    case 'phase.started':
      cursor.phase = em.create(WorkflowPhase, { run, name: e.phase, repeatIndex: e.repeatIndex, parameters: e.parameters, meta: e.meta ?? null, startedAt: at });
      break;
    case 'phase.finished': {
      const phase = await phaseFor(em, cursor, e.phase, e.repeatIndex, at);
      phase.outputs = e.outputs;
      phase.endedAt = at;
      break;
    }
    case 'step.started': {
      const phase = await phaseFor(em, cursor, e.phase, e.repeatIndex, at);
      const step = em.create(WorkflowStep, {
        phase, runId: run.id, stepIndex: e.stepIndex, sample: e.sample, instrument: e.instrument, methodName: e.methodName,
        args: e.args, attempt: e.attempt, status: 'running', seq: env.seq, startedAt: at,
      });
      cursor.running.set(stepKey(phaseId(phase), e.stepIndex, e.sample, e.attempt), step);
      break;
    }
    case 'step.finished': {
      const phase = await phaseFor(em, cursor, e.phase, e.repeatIndex, at);
      const key = stepKey(phaseId(phase), e.stepIndex, e.sample, e.attempt);
      // A step whose start was never reported (it cannot be, but records must not be lost) gets a row now.
      const step = (await runningStep(em, cursor, key)) ?? em.create(WorkflowStep, {
        phase, runId: run.id, stepIndex: e.stepIndex, sample: e.sample, instrument: e.instrument, methodName: e.methodName,
        args: e.args, attempt: e.attempt, seq: env.seq, startedAt: at,
      });
      cursor.running.delete(key);
      step.status = e.status;
      step.output = e.output ?? null;
      step.context = e.context;
      step.error = e.error ?? null;
      step.endedAt = at;
      break;
    }
    case 'progress':
      run.progress = { iteration: e.iteration, total: e.total, step: e.step, steps: e.steps };
      break;
    case 'checkpoint':
      run.checkpoint = e.checkpoint;
      break;
    case 'command':
      // Only this run's commands: an event cannot answer a control of another run.
      await em.nativeUpdate(RunCommandRecord, { id: e.commandId, runId: run.id, answeredAt: null }, { answeredAt: at, outcome: e.outcome, reason: e.reason ?? null });
      break;
    case 'log':
      break;
  }
  run.lastSeq = env.seq;
}

function ledgerPayload(e: RunEvent): JsonObject {
  const { type: _type, ...rest } = e;
  return rest as unknown as JsonObject;
}

/** New phase rows have no id until flushed; key them by identity meanwhile. */
const ids = new WeakMap<WorkflowPhase, string>();
let provisional = 0;
function phaseId(phase: WorkflowPhase): string {
  if (phase.id) return String(phase.id);
  let id = ids.get(phase);
  if (!id) ids.set(phase, (id = `new-${++provisional}`));
  return id;
}

async function phaseFor(em: EntityManager, cursor: RunCursor, name: PhaseName, repeatIndex: number, at: Date): Promise<WorkflowPhase> {
  if (cursor.phase && cursor.phase.name === name && cursor.phase.repeatIndex === repeatIndex) return cursor.phase;
  const found = await em.findOne(WorkflowPhase, { run: cursor.run.id, name, repeatIndex }, { orderBy: { id: 'desc' } });
  // As with steps: a phase whose start was not reported still gets its row.
  cursor.phase = found ?? em.create(WorkflowPhase, { run: cursor.run, name, repeatIndex, parameters: null, startedAt: at });
  return cursor.phase;
}
