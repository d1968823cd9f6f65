import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DECK_HOLDING_RUN_STATUSES, type JsonObject } from '@ivoryos/contracts';
import { Deck, RunCommandRecord, SingleStep, WorkflowRun, WorkflowStep } from '@ivoryos/db';
import type { AuthActor } from '../common/actor';
import { BadInput, Conflict } from '../common/domain-errors';
import type { CommandResponse } from '../runs/controls/control-run.dto';
import { RunControlsService, type ControlRequest } from '../runs/controls/run-controls.service';
import { QueueService } from '../runs/queue/queue.service';
import { RunSubmissionService } from '../runs/submit/run-submission.service';
import type { StepRow } from '../runs/run-mapping';
import { IvoryosDraftsService } from './ivoryos-drafts.service';
import { TaskNotFound } from './ivoryos-tasks.service';
import { sortKeys, toIvoryosStep, toIvoryosTask, toWorkflowInfo } from './ivoryos-format';

const RUN_FIELDS = ['id', 'number', 'name', 'deck', 'mode', 'status', 'waiting', 'repeat', 'batchSize', 'createdAt', 'startedAt', 'endedAt', 'dispatchedAt'] as const;

/**
 * IvoryOS's execution routes on our run engine: the loaded workflow is queued as a run on the
 * deck, and status, queue, pause/resume and the two aborts read and drive that deck's runs
 * through the same controls as /api.
 */
@Injectable()
export class IvoryosExecutionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly drafts: IvoryosDraftsService,
    private readonly submission: RunSubmissionService,
    private readonly controls: RunControlsService,
    private readonly queue: QueueService,
  ) {}

  /**
   * `POST /executions/config` `{ repeat, batch_size }` or `{ kwargs: [rows], batch_size }`
   * (numbers may be text, as the client sends them). Repeat wins when both are given, as in IvoryOS.
   */
  async config(body: unknown, deck: string, actor: AuthActor): Promise<JsonObject> {
    const src = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const draft = await this.drafts.get(actor, deck);
    if (!draft) throw new Conflict('no workflow is loaded: load one with GET /ivoryos/library/<name> or POST /ivoryos/draft/submit_python first', [{ path: 'workflow', message: 'none loaded' }]);
    const batchSize = count(src.batch_size, 'batch_size', 1000) ?? 1;
    const repeat = count(src.repeat, 'repeat');
    let dto: { repeat?: number; parameters?: JsonObject[]; batchSize: number };
    if (repeat !== undefined) dto = { repeat, batchSize };
    else if (src.kwargs !== undefined && src.kwargs !== null) {
      if (!Array.isArray(src.kwargs) || !src.kwargs.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
        throw BadInput.field('kwargs', 'must be a list of objects, one per sample');
      }
      dto = { parameters: src.kwargs as JsonObject[], batchSize };
    } else dto = { repeat: 1, batchSize };
    const run = await this.submission.queue(draft.document, draft.workflowName, deck, dto, undefined, actor);
    return { status: 'task started', task_id: run.number };
  }

  /** `GET /executions/status`: the deck's runner as IvoryOS reports it (`busy` while a run is queued or running, or a call is). */
  async status(deck: string): Promise<JsonObject> {
    const em = this.em.fork();
    const active = await this.active(em, deck);
    const last = active ?? (await em.findOne(WorkflowRun, { deck, startedAt: { $ne: null } }, { fields: [...RUN_FIELDS], orderBy: { number: 'desc' } }));
    const queued = await em.count(WorkflowRun, { deck, status: 'queued', dispatchedAt: null });
    const call = await em.findOne(SingleStep, { deck }, { orderBy: { createdAt: 'desc' } });
    const callBusy = !!call && (call.status === 'pending' || call.status === 'running');
    const queuePaused = (await em.findOne(Deck, { name: deck }, { fields: ['queuePaused'] }))?.queuePaused ?? false;
    // A pause accepted during a long step counts as paused, as IvoryOS's flag does, so the toggle's next press resumes.
    const paused = active
      ? active.status === 'paused' || active.status === 'waiting' || (active.status === 'running' && (await this.controls.pausePending(active.id)))
      : queuePaused;

    let currentTask: JsonObject = {};
    if (active) {
      const step = await em.findOne(WorkflowStep, { runId: active.id }, { orderBy: { id: 'desc' } });
      if (step) currentTask = toIvoryosStep({ ...step, phase: String(step.phase.id) } as unknown as StepRow, step.phase.id);
    } else if (call && (!last || call.createdAt >= (last.endedAt ?? last.createdAt))) {
      currentTask = toIvoryosTask(call);
    }
    const out: JsonObject = { busy: !!active || queued > 0 || callBusy, current_task: currentTask, paused };
    if (last) {
      const stops = await em.find(RunCommandRecord, { runId: last.id, type: 'stop' }, { fields: ['payload'] });
      const whens = stops.map((s) => (s.payload as { when?: string } | null)?.when);
      out.workflow_status = {
        runner_status: {
          is_running: !!active && last.id === active.id,
          paused: active ? paused : false,
          stop_current: whens.includes('now'),
          stop_pending: whens.length > 0,
        },
        workflow_info: toWorkflowInfo(last),
      };
    }
    return sortKeys(out);
  }

  /** `GET /executions/queue`: runs waiting for the deck, in order. */
  async pending(deck: string): Promise<JsonObject[]> {
    const runs = await this.em.fork().find(
      WorkflowRun, { deck, status: 'queued', dispatchedAt: null },
      { fields: [...RUN_FIELDS, 'parameters'], orderBy: { position: 'asc', createdAt: 'asc' } },
    );
    return runs.map((r) => {
      const rows = r.parameters ?? null;
      return sortKeys({ args: rows ? `Config: ${rows.length} entries` : `${r.repeat} iteration(s)`, details: runDetails(r, 'preview'), id: r.number, name: r.name, status: 'pending' });
    });
  }

  /** `GET /executions/queue/task/<id>`: a queued run's details with its whole parameter table; unknown: 404 `{ error: "Task not found" }`. */
  async queuedTask(deck: string, id: string): Promise<JsonObject> {
    const run = await this.queued(deck, id, 'id', true);
    return sortKeys({ ...runDetails(run, 'full'), 'Task Name': run.name });
  }

  /** `POST /executions/queue/delete` `{ id }`: cancels a queued run (its record stays, `cancelled`). */
  async queueDelete(deck: string, body: unknown): Promise<JsonObject> {
    const run = await this.queued(deck, field(body, 'id'), 'id');
    await this.queue.cancel(run.id, deck);
    return { status: 'ok' };
  }

  /** `POST /executions/queue/reorder` `{ id, direction: "up" | "down" }`: one place; past either end is a 400, as IvoryOS. */
  async queueReorder(deck: string, body: unknown): Promise<JsonObject> {
    const direction = field(body, 'direction');
    if (direction !== 'up' && direction !== 'down') throw BadInput.field('direction', 'must be "up" or "down"');
    const run = await this.queued(deck, field(body, 'id'), 'id');
    const order = (await this.queue.get(deck)).items;
    const at = order.findIndex((r) => r.id === run.id) + 1;
    const to = direction === 'up' ? at - 1 : at + 1;
    if (to < 1 || to > order.length) throw BadInput.field('direction', `run ${run.number} is already ${direction === 'up' ? 'first' : 'last'} in the queue`);
    await this.queue.move(deck, run.id, to);
    return { status: 'ok' };
  }

  /** `POST /executions/queue/task/rename` `{ id, new_name }`: the queued run's name. */
  async queueRename(deck: string, body: unknown): Promise<JsonObject> {
    const name = field(body, 'new_name');
    if (typeof name !== 'string' || !name.trim() || name.length > 128) throw BadInput.field('new_name', 'must be a non-empty name of at most 128 characters');
    const run = await this.queued(deck, field(body, 'id'), 'id');
    await this.queue.rename(run.id, name.trim(), deck);
    return { status: 'ok' };
  }

  /** A run waiting in the deck's queue by its number (IvoryOS's queue id); 404 otherwise. */
  private async queued(deck: string, id: unknown, path: string, wholeTable = false): Promise<Pick<WorkflowRun, 'id' | 'number' | 'name' | 'repeat' | 'batchSize' | 'parameters'>> {
    const number = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : NaN;
    if (!Number.isSafeInteger(number)) throw BadInput.field(path, "must be a queued run's number (the id in executions/queue)");
    const run = await this.em.fork().findOne(
      WorkflowRun, { deck, number, status: 'queued', dispatchedAt: null },
      { fields: [...RUN_FIELDS, ...(wholeTable ? (['parameters'] as const) : [])] },
    );
    if (!run) throw new TaskNotFound();
    return run;
  }

  /**
   * `GET /executions/current_task`: the run holding the deck as IvoryOS describes its task (mode,
   * repeat count or the whole parameter table, batch size); none: 200 `{ error }`, as IvoryOS answers.
   */
  async currentTask(deck: string): Promise<JsonObject> {
    const em = this.em.fork();
    const active = await this.active(em, deck);
    if (!active) return { error: 'No task currently running' };
    const run = await em.findOneOrFail(WorkflowRun, { id: active.id }, { fields: [...RUN_FIELDS, 'parameters'] });
    return sortKeys({ ...runDetails(run, 'full'), id: run.number, name: run.name, status: run.status });
  }

  /**
   * `POST /executions/retry`: the run waiting after a failed (or interrupted) step, or a failed
   * optimizer suggestion, tries it again.
   * Nothing to retry is a 409 saying why (IvoryOS sets a flag and toggles pause, which can pause a healthy run).
   */
  async retry(deck: string, actor: AuthActor): Promise<JsonObject> {
    const active = await this.active(this.em.fork(), deck);
    const kind = active?.status === 'waiting' ? active.waiting?.kind : undefined;
    if (!active || (kind !== 'error' && kind !== 'interrupted' && kind !== 'optimizer')) {
      throw new Conflict(`nothing to retry: ${active ? `run ${active.number} is ${active.status}${kind ? ` (waiting for ${kind})` : ''}` : 'no run holds the deck'}`);
    }
    refusedAsConflict(await this.controls.control(active.id, { type: 'retry' }, actor));
    return { status: 'ok, retrying failed step' };
  }

  /**
   * `POST /executions/pause-resume`, a toggle: pauses the running run (at the next step
   * boundary), resumes a paused one or one whose pause is still pending, and a run waiting after a failed step goes on without it
   * (IvoryOS's resume skips that step). With no run in progress it pauses or resumes the queue.
   */
  async togglePause(deck: string, actor: AuthActor): Promise<JsonObject> {
    const active = await this.active(this.em.fork(), deck);
    if (active && DECK_HOLDING_RUN_STATUSES.includes(active.status)) {
      const kind = active.waiting?.kind;
      // A pause accepted but not applied yet (the step under way has not ended) is resumed, which cancels it.
      const pending = active.status === 'running' && (await this.controls.pausePending(active.id));
      const req: ControlRequest | undefined = active.status === 'running' ? { type: pending ? 'resume' : 'pause' }
        : active.status === 'paused' || kind === 'pause' ? { type: 'resume' }
          : kind === 'error' || kind === 'interrupted' || kind === 'optimizer' ? { type: 'skip' } : undefined;
      if (!req) throw new Conflict(`the run waits for an input (${active.waiting?.message ?? ''}); answer it with POST /api/runs/${active.number}/input`);
      refusedAsConflict(await this.controls.control(active.id, req, actor));
      return { pause_status: req.type === 'pause' ? 'Paused' : 'Resumed', status: 'ok' };
    }
    const paused = (await this.queue.get(deck)).paused;
    await this.queue.setPaused(deck, !paused);
    return { pause_status: paused ? 'Resumed' : 'Paused', status: 'ok' };
  }

  /**
   * `abort/next-iteration`: finish this iteration, run no more, then cleanup. `abort/next-task`:
   * stop after the current step, no cleanup. Both keep the queue going, as IvoryOS's defaults do;
   * with nothing running there is nothing to stop, and IvoryOS answers ok then too.
   */
  async abort(deck: string, when: 'after-iteration' | 'now', actor: AuthActor): Promise<JsonObject> {
    const active = await this.active(this.em.fork(), deck);
    if (active && DECK_HOLDING_RUN_STATUSES.includes(active.status)) {
      const answer = await this.controls.control(active.id, { type: 'stop', stop: { when, cleanup: when === 'after-iteration', continueQueue: true } }, actor);
      refusedAsConflict(answer);
    }
    return { status: 'ok' };
  }

  /** The run holding the deck (or handed to its agent and about to start). */
  private active(em: EntityManager, deck: string) {
    return em.findOne(
      WorkflowRun,
      { deck, $or: [{ status: { $in: DECK_HOLDING_RUN_STATUSES } }, { status: 'queued', dispatchedAt: { $ne: null } }] },
      { fields: [...RUN_FIELDS], orderBy: { createdAt: 'asc' } },
    );
  }
}

/** IvoryOS's task details: `preview` (the queue's first 5 rows) or `full` (the current task's whole table). */
function runDetails(r: Pick<WorkflowRun, 'parameters' | 'repeat' | 'batchSize'>, rows: 'preview' | 'full'): JsonObject {
  const table = r.parameters ?? null;
  const details: JsonObject = table
    ? { Mode: 'Configuration List', 'Config Entries': table.length, ...(rows === 'full' ? { 'Full Config': table } : { 'Config Preview (First 5)': table.slice(0, 5) }) }
    : { Mode: 'Repeated Execution', 'Repeat Count': r.repeat };
  details['Batch Size'] = r.batchSize;
  return details;
}

/** The agent refused the control (the run moved on meanwhile): say why rather than "ok". */
function refusedAsConflict(answer: CommandResponse): void {
  if (answer.outcome === 'refused') throw new Conflict(`the run's agent refused: ${answer.reason ?? 'no reason given'}`);
}

/** A field of a JSON body (undefined when the body is not an object). */
function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

/** A whole number ≥ 1, given as a number or as text (the client sends `"4"`); undefined when absent. */
function count(value: unknown, path: string, max = 100_000): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) throw BadInput.field(path, `must be a whole number from 1 to ${max}`);
  return n;
}
