import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  CONTRACT_VERSION, DECK_HOLDING_RUN_STATUSES, FINAL_RUN_STATUSES, type JsonValue, type PromptKind, type RunCommand, type RunCommandType, type RunStatus,
} from '@ivoryos/contracts';
import { Deck, RunCommandRecord, WorkflowRun } from '@ivoryos/db';
import { convertValue } from '@ivoryos/workflow';
import type { AuthActor } from '../../common/actor';
import { BadInput, Conflict, NotFound, Unavailable } from '../../common/domain-errors';
import type { RunListResponse } from '../dto/run-response.dto';
import { DeckRegistryService } from '../../decks/deck-registry.service';
import { RunCommandSender } from '../../transport/run-command.sender';
import { RunStreamHub } from '../live/run-stream-hub';
import { toRunSummary } from '../run-mapping';
import type { OptimizerConfig } from '@ivoryos/optimizer';
import { checkTrialRow } from '../operator-trial';
import type { CommandResponse, OperatorTrialResponse } from './control-run.dto';

const ANSWER_WAIT_MS = 3000;
const RESEND_AFTER_MS = 5000;
/** A re-read while waiting for an answer, in case the run-updates message that should wake it was lost. */
const SAFETY_CHECK_MS = 500;

interface Rule {
  statuses: RunStatus[];
  /** When waiting, the prompt kinds this control answers. */
  prompts?: PromptKind[];
}

/** Which controls make sense in which state (anything else is a 409 saying why). */
const RULES: Record<RunCommandType, Rule> = {
  pause: { statuses: ['running'] },
  // A running run can be resumed only while a pause it accepted has not taken effect yet (see checkState).
  resume: { statuses: ['paused', 'waiting', 'running'], prompts: ['pause'] },
  retry: { statuses: ['waiting'], prompts: ['error', 'interrupted', 'optimizer'] },
  skip: { statuses: ['waiting'], prompts: ['error', 'interrupted', 'optimizer'] },
  input: { statuses: ['waiting'], prompts: ['input'] },
  stop: { statuses: ['running', 'paused', 'waiting'] },
  // an optimizer run's operator trial (POST /api/runs/:id/trials)
  trial: { statuses: ['paused', 'waiting'] },
};

export interface ControlRequest {
  type: RunCommandType;
  promptId?: string;
  stop?: { when: 'after-iteration' | 'now'; cleanup: boolean; continueQueue: boolean };
  value?: JsonValue;
}

/**
 * Operator controls: a PostgreSQL row first (durable), then the deck's command stream. The agent
 * answers each at a step boundary with a `command` event; unanswered ones are sent again.
 */
@Injectable()
export class RunControlsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RunControlsService.name);
  private resender?: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    private readonly commands: RunCommandSender,
    private readonly decks: DeckRegistryService,
    private readonly hub: RunStreamHub,
  ) {}

  onModuleInit(): void {
    this.resender = setInterval(() => void this.resendUnanswered(), RESEND_AFTER_MS);
    this.resender.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.resender);
  }

  /**
   * Runs that need someone, oldest first: waiting (an error, a pause step, an input, an interrupted
   * call), or running or paused on a deck whose agent is offline.
   */
  async waiting(deckScope?: string): Promise<RunListResponse> {
    const active = await this.em.find(
      WorkflowRun,
      { status: { $in: DECK_HOLDING_RUN_STATUSES }, ...(deckScope ? { deck: deckScope } : {}) },
      { orderBy: { createdAt: 'asc' }, exclude: ['workflowSnapshot', 'checkpoint', 'parameters', 'optimizer'] },
    );
    const online = await this.decks.presence(active.map((r) => r.deck));
    const runs = active.filter((r) => r.status === 'waiting' || !online.get(r.deck));
    return { items: runs.map((r) => toRunSummary(r, online.get(r.deck) ?? false)), total: runs.length };
  }

  async control(runId: string, req: ControlRequest, actor: AuthActor): Promise<CommandResponse> {
    const run = await this.em.findOne(WorkflowRun, { id: runId }, { fields: ['id', 'deck', 'status', 'waiting', 'metadata'] });
    // A key limited to one deck does not see other decks' runs.
    if (!run || (actor.deck && run.deck !== actor.deck)) throw new NotFound('run', runId);
    await this.checkState(run, req);
    let value: JsonValue | undefined;
    if (req.type === 'input') {
      const converted = convertValue(req.value ?? null, run.waiting?.inputType ?? 'str', run.waiting?.choices?.map((c) => ({ name: String(c), value: c as string })));
      if (!converted.ok) throw BadInput.field('value', converted.error);
      value = converted.value;
    }
    const promptId = req.promptId ?? (RULES[req.type].prompts ? run.waiting?.promptId ?? null : null);
    const record = this.em.create(RunCommandRecord, {
      runId, deck: run.deck, type: req.type, promptId,
      payload: req.type === 'stop' ? (req.stop as unknown as JsonValue) : req.type === 'input' ? { value: value ?? null } : req.type === 'trial' ? { value: req.value ?? null } : null,
      issuedBy: actor.name, issuedByKind: actor.kind,
    });
    // Stopping without continuing the queue pauses the deck's queue, in the same commit.
    if (req.type === 'stop' && req.stop && !req.stop.continueQueue) await this.em.nativeUpdate(Deck, { name: run.deck }, { queuePaused: true });
    await this.em.flush();
    try {
      await this.send(record);
    } catch (err) {
      // The row stays: the resender delivers it once Redis is back.
      this.logger.warn(`command ${record.id} not sent yet: ${err instanceof Error ? err.message : String(err)}`);
      throw new Unavailable('Redis is unavailable; the control is recorded and will be delivered when it returns');
    }
    return this.awaitAnswer(record);
  }

  /** An operator's trial for a paused or waiting optimizer run, checked against the campaign's search space. */
  async trial(runId: string, parameters: unknown, actor: AuthActor): Promise<OperatorTrialResponse> {
    const run = await this.em.findOne(WorkflowRun, { id: runId }, { fields: ['id', 'deck', 'mode', 'optimizer'] });
    if (!run || (actor.deck && run.deck !== actor.deck)) throw new NotFound('run', runId);
    const plan = run.optimizer as { config?: Pick<OptimizerConfig, 'parameters'> } | null;
    if (run.mode !== 'optimizer' || !plan?.config) throw new Conflict(`run ${runId} is a ${run.mode} run: only optimizer runs take trials`);
    const { row, errors } = checkTrialRow(parameters, plan.config);
    if (!row) throw new BadInput(`The trial is not valid: ${errors[0].path} ${errors[0].message}`, errors);
    const answer = await this.control(runId, { type: 'trial', value: { parameters: row } }, actor);
    if (answer.outcome === 'refused') throw new Conflict(`the agent refused the trial: ${answer.reason ?? 'no reason given'}`);
    return { parameters: row, suggestedBy: 'operator', status: 'pending', commandId: answer.commandId, answered: answer.answered };
  }

  /**
   * A pause the agent accepted (or has not answered yet) that has not taken effect: the agent stops
   * only at the next step boundary, so during a long step the run still shows `running`. The last
   * pause or resume decides; a resume sent now cancels the pause before it applies.
   */
  async pausePending(runId: string): Promise<boolean> {
    const last = await this.em.fork().findOne(
      RunCommandRecord, { runId, type: { $in: ['pause', 'resume'] } }, { fields: ['type', 'outcome'], orderBy: { issuedAt: 'desc' } },
    );
    return last?.type === 'pause' && last.outcome !== 'refused';
  }

  private async checkState(run: Pick<WorkflowRun, 'id' | 'status' | 'waiting'>, req: ControlRequest): Promise<void> {
    const rule = RULES[req.type];
    if (req.promptId && run.waiting?.promptId !== req.promptId) {
      const answer = await this.em.findOne(RunCommandRecord, { runId: run.id, promptId: req.promptId, outcome: 'applied' }, { orderBy: { issuedAt: 'asc' } });
      throw new Conflict(
        answer ? `prompt ${req.promptId} was already answered (${answer.type}) by ${answer.issuedBy}` : `prompt ${req.promptId} is not the run's current prompt`,
        [{ path: 'promptId', message: 'is not the current prompt' }],
      );
    }
    if (!rule.statuses.includes(run.status)) {
      throw new Conflict(`cannot ${req.type} a run that is ${run.status}${run.status === 'queued' ? ' (cancel a queued run instead)' : ''}`);
    }
    if (req.type === 'resume' && run.status === 'running' && !(await this.pausePending(run.id))) {
      throw new Conflict('cannot resume a run that is running and not asked to pause');
    }
    if (run.status === 'waiting' && rule.prompts && !(run.waiting && rule.prompts.includes(run.waiting.kind))) {
      throw new Conflict(`cannot ${req.type}: the run waits for ${run.waiting ? `${run.waiting.kind} (${run.waiting.message})` : 'an answer'}`);
    }
    if (req.type === 'stop' && req.stop?.when === 'now' && req.stop.cleanup) {
      throw BadInput.field('cleanup', 'a stop now skips cleanup; stop after the iteration to run it');
    }
  }

  private async send(record: RunCommandRecord): Promise<void> {
    const command: RunCommand = {
      schemaVersion: CONTRACT_VERSION, commandId: record.id, runId: record.runId, type: record.type, promptId: record.promptId,
      stop: record.type === 'stop' ? (record.payload as unknown as RunCommand['stop']) : null,
      value: record.type === 'input' || record.type === 'trial' ? (record.payload as { value: JsonValue }).value : undefined,
      issuedBy: record.issuedBy, issuedAt: record.issuedAt.toISOString(),
    };
    await this.commands.send(record.deck, command);
    await this.em.fork().nativeUpdate(RunCommandRecord, { id: record.id }, { sentAt: new Date() });
  }

  /**
   * The agent's answer, once ingested: re-read when any replica commits events of the run (the answer is a
   * `command` run event), not on a timer. A slow check covers a lost run-updates message.
   */
  private awaitAnswer(record: RunCommandRecord): Promise<CommandResponse> {
    const unanswered: CommandResponse = { commandId: record.id, type: record.type, answered: false };
    return new Promise((resolve) => {
      let done = false;
      let reading = false;
      let again = false;
      const finish = (response: CommandResponse): void => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        clearInterval(safety);
        unwatch();
        resolve(response);
      };
      const check = async (): Promise<void> => {
        if (done) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          const row = await this.em.fork().findOne(RunCommandRecord, { id: record.id }, { fields: ['answeredAt', 'outcome', 'reason'] });
          if (row?.answeredAt) finish({ commandId: record.id, type: record.type, answered: true, outcome: row.outcome ?? undefined, ...(row.reason ? { reason: row.reason } : {}) });
        } catch (err) {
          this.logger.debug(`reading the answer to ${record.id}: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          reading = false;
          if (again) {
            again = false;
            void check();
          }
        }
      };
      const unwatch = this.hub.watch(record.runId, { wake: () => void check(), close: () => finish(unanswered) });
      const safety = setInterval(() => void check(), SAFETY_CHECK_MS);
      const deadline = setTimeout(() => void check().finally(() => finish(unanswered)), ANSWER_WAIT_MS);
      // It may have been answered before the watch began.
      void check();
    });
  }

  /** Commands the agent has not answered (it was away, or Redis lost them) go out again; it ignores repeats. */
  private async resendUnanswered(): Promise<void> {
    try {
      const stale = await this.em.fork().find(RunCommandRecord, {
        answeredAt: null, issuedAt: { $gt: new Date(Date.now() - 24 * 3600_000) },
        $or: [{ sentAt: null }, { sentAt: { $lt: new Date(Date.now() - RESEND_AFTER_MS) } }],
      }, { limit: 100 });
      if (!stale.length) return;
      const runs = await this.em.fork().find(WorkflowRun, { id: { $in: [...new Set(stale.map((c) => c.runId))] } }, { fields: ['id', 'status'] });
      const ended = new Set(runs.filter((r) => FINAL_RUN_STATUSES.includes(r.status)).map((r) => r.id));
      for (const c of stale) {
        if (ended.has(c.runId) || !runs.some((r) => r.id === c.runId)) {
          await this.em.fork().nativeUpdate(RunCommandRecord, { id: c.id, answeredAt: null }, { answeredAt: new Date(), outcome: 'refused', reason: 'the run ended before the agent received it' });
        } else {
          await this.send(c);
        }
      }
    } catch (err) {
      this.logger.debug(`resend: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
