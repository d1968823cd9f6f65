import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  jobNames, type ActionSchema, type DirectCallJob, type DirectCallResult, type JsonObject, type RunStatus,
} from '@ivoryos/contracts';
import { Deck, SingleStep, WorkflowRun } from '@ivoryos/db';
import { BadInput, Conflict, GatewayTimeout, NotFound, Unavailable } from '../common/domain-errors';
import { DecksService } from '../decks/decks.service';
import { DeckRegistryService } from '../decks/deck-registry.service';
import { convertKwargs } from './convert-kwargs';
import { DeckQueues } from './deck-queues.service';
import type { CallResultResponse, ControlStepListResponse, ControlStepQueryDto, ControlStepResponse } from './dto/control.dto';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Run states in which the deck belongs to the run. */
const HOLDING: RunStatus[] = ['running', 'paused', 'waiting'];

export interface CallRequest {
  deck: string;
  instrument: string;
  method: string;
  body: unknown;
  override?: boolean;
  timeoutMs?: number;
  idempotencyKey?: string;
  calledBy: string;
  /** false: answer as soon as the call is queued (IvoryOS's hidden_wait=false); the outcome is recorded later. */
  wait?: boolean;
}

@Injectable()
export class ControlService implements OnModuleInit {
  private readonly logger = new Logger(ControlService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly decks: DecksService,
    private readonly registry: DeckRegistryService,
    private readonly queues: DeckQueues,
  ) {}

  onModuleInit(): void {
    // Results of calls whose HTTP caller timed out (or whose gateway died) are still recorded.
    this.queues.onCompleted((deck, jobId, value) => {
      const result = parseResult(value);
      if (result && result.callId === jobId) void this.record(result).catch((err: Error) => this.logger.warn(`recording call ${jobId}: ${err.message}`));
    });
  }

  /** Run one instrument method on its deck's agent and answer once the record is committed. */
  async call(req: CallRequest): Promise<CallResultResponse> {
    const deck = await this.decks.find(req.deck);
    const action = this.findAction(deck.schema?.instruments, req.deck, req.instrument, req.method);
    const converted = convertKwargs(action, req.body);
    if (!converted.ok) throw new BadInput(`Invalid arguments for ${req.instrument}.${req.method}: ${converted.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, converted.errors);
    if (!this.registry.isOnline(deck)) throw new Unavailable(`deck '${req.deck}' is offline: its agent sent no heartbeat recently`);
    if (!req.override) {
      const holding = await this.em.findOne(WorkflowRun, { deck: req.deck, status: { $in: HOLDING } }, { fields: ['id', 'status'] });
      if (holding) throw new Conflict(`deck '${req.deck}' is busy with run ${holding.id} (${holding.status}); retry later or pass ?override=true`);
    }

    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const key = req.idempotencyKey ? `${req.deck}:${req.idempotencyKey}` : null;
    if (key) {
      const earlier = await this.em.findOne(SingleStep, { idempotencyKey: key });
      if (earlier) return this.replay(earlier, req, timeoutMs);
    }
    const step = this.em.create(SingleStep, {
      deck: req.deck, instrument: req.instrument, methodName: req.method, kwargs: (req.body ?? {}) as JsonObject,
      calledBy: req.calledBy, idempotencyKey: key, status: 'pending',
    });
    await this.em.flush();

    const job: DirectCallJob = {
      callId: step.id, deck: req.deck, instrument: req.instrument, action: req.method, kwargs: converted.kwargs,
      deadline: Date.now() + timeoutMs, calledBy: req.calledBy,
    };
    let added: Job;
    try {
      const events = await this.queues.queueEvents(req.deck);
      added = await this.queues.queue(req.deck).add(jobNames.directCall, job, {
        jobId: step.id, attempts: 1, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 86_400 },
      });
      if (req.wait === false) return { id: step.id, success: true, output: null, error: null, startedAt: null, endedAt: null };
      return await this.await(added, events, step.id, timeoutMs);
    } catch (err) {
      if (err instanceof GatewayTimeout) throw err;
      await this.fail(step.id, `not delivered: ${err instanceof Error ? err.message : String(err)}`);
      throw new Unavailable('Redis is unavailable; the call was not sent');
    }
  }

  async list(q: ControlStepQueryDto): Promise<ControlStepListResponse> {
    const where: Record<string, unknown> = {};
    if (q.deck) where.deck = q.deck;
    if (q.instrument) where.instrument = q.instrument;
    if (q.method) where.methodName = q.method;
    if (q.calledBy) where.calledBy = q.calledBy;
    const [rows, total] = await this.em.findAndCount(SingleStep, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.perPage, offset: (q.page - 1) * q.perPage });
    return { items: rows.map(toControlStep), total };
  }

  /** Which deck serves an instrument of this name: the one deck that has it (an online one first). */
  async deckWithInstrument(instrument: string): Promise<string> {
    const decks = await this.em.find(Deck, {}, { orderBy: { name: 'asc' } });
    const having = decks.filter((d) => d.schema?.instruments[instrument]);
    const online = having.filter((d) => this.registry.isOnline(d));
    const candidates = online.length ? online : having;
    if (!candidates.length) throw new NotFound('instrument', instrument, 'instrument');
    if (candidates.length > 1) {
      throw new Conflict(`decks ${candidates.map((d) => d.name).join(', ')} all have ${instrument}; add ?deck=<name>`, [{ path: 'deck', message: 'is ambiguous' }]);
    }
    return candidates[0].name;
  }

  async get(id: string): Promise<ControlStepResponse> {
    const row = await this.em.findOne(SingleStep, { id });
    if (!row) throw new NotFound('control step', id);
    return toControlStep(row);
  }

  private findAction(instruments: Record<string, { actions: Record<string, ActionSchema> }> | undefined, deck: string, instrument: string, method: string): ActionSchema {
    const inst = instruments?.[instrument];
    if (!inst) throw new NotFound(`instrument on deck '${deck}'`, instrument, 'instrument');
    const action = Object.prototype.hasOwnProperty.call(inst.actions, method) ? inst.actions[method] : undefined;
    if (!action) throw new NotFound(`method of ${instrument}`, method, 'method');
    return action;
  }

  private async await(job: Job, events: Awaited<ReturnType<DeckQueues['queueEvents']>>, id: string, timeoutMs: number): Promise<CallResultResponse> {
    let value: unknown;
    try {
      value = await job.waitUntilFinished(events, timeoutMs);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/timed out/i.test(message)) throw new GatewayTimeout(`no answer within ${timeoutMs} ms; the outcome will be recorded under this id`, { id });
      throw err;
    }
    const result = parseResult(value);
    if (!result) throw new Error(`call ${id}: the agent returned an unreadable result`);
    await this.record(result);
    return toCallResult(result);
  }

  /** A retried request with the same Idempotency-Key gets the first call's answer, never a second call. */
  private async replay(earlier: SingleStep, req: CallRequest, timeoutMs: number): Promise<CallResultResponse> {
    if (earlier.instrument !== req.instrument || earlier.methodName !== req.method) {
      throw new Conflict('this Idempotency-Key was used for another call', [{ path: 'Idempotency-Key', message: 'already used for another call' }]);
    }
    if (earlier.status === 'completed' || earlier.status === 'failed') return toControlStep(earlier);
    const job = await this.queues.queue(req.deck).getJob(earlier.id);
    if (!job) return toControlStep(earlier);
    return this.await(job, await this.queues.queueEvents(req.deck), earlier.id, timeoutMs);
  }

  private async record(r: DirectCallResult): Promise<void> {
    await this.em.fork().nativeUpdate(
      SingleStep,
      { id: r.callId, status: { $in: ['pending', 'running'] } },
      {
        status: r.success ? 'completed' : 'failed',
        output: r.output ?? null,
        error: r.error,
        startedAt: r.startedAt ? new Date(r.startedAt) : null,
        endedAt: r.endedAt ? new Date(r.endedAt) : new Date(),
      },
    );
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.em.fork().nativeUpdate(SingleStep, { id, status: 'pending' }, { status: 'failed', error, endedAt: new Date() });
  }
}

function parseResult(value: unknown): DirectCallResult | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== 'object') return undefined;
  const r = v as DirectCallResult;
  return typeof r.callId === 'string' && typeof r.success === 'boolean' ? r : undefined;
}

function toCallResult(r: DirectCallResult): CallResultResponse {
  return { id: r.callId, success: r.success, output: r.output ?? null, error: r.error, startedAt: r.startedAt, endedAt: r.endedAt };
}

function toControlStep(s: SingleStep): ControlStepResponse {
  return {
    id: s.id, deck: s.deck, instrument: s.instrument, methodName: s.methodName, kwargs: s.kwargs, status: s.status,
    success: s.status === 'completed', output: s.output, error: s.error, calledBy: s.calledBy, createdAt: s.createdAt.toISOString(),
    startedAt: s.startedAt?.toISOString() ?? null, endedAt: s.endedAt?.toISOString() ?? null,
  };
}
