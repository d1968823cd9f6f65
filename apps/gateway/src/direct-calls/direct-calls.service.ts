import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  CONTRACT_VERSION, DECK_HOLDING_RUN_STATUSES, checkMessage, directCallResultSchema, runAcceptResultSchema, type ActionSchema, type MessageCheck, type DeckSchema, type DirectCallJob, type DirectCallResult, type JsonObject, type RunStatus,
} from '@ivoryos/contracts';
import { Deck, SingleStep } from '@ivoryos/db';
import { traceContextOf, withSpan } from '@ivoryos/telemetry';
import type { z } from 'zod';
import { BadInput, Conflict, GatewayTimeout, NotFound, Unavailable } from '../common/domain-errors';
import type { HopTiming } from '../common/hop-timing';
import { DeckRegistryService } from '../decks/deck-registry.service';
import { DirectCallProducer } from '../transport/direct-call.producer';
import { convertKwargs } from './convert-kwargs';
import type { CallResultResponse, ControlStepListResponse, ControlStepQueryDto, ControlStepResponse } from './dto/direct-call.dto';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Schemas kept parsed, by hash (a deck's current one, plus a few it had). */
const SCHEMA_CACHE_SIZE = 64;

export interface CallRequest {
  deck: string;
  instrument: string;
  method: string;
  body: unknown;
  override?: boolean;
  timeoutMs?: number;
  idempotencyKey?: string;
  calledBy: string;
  /** Whether calledBy is a user or an API key. */
  calledByKind?: 'user' | 'key' | 'deck';
  /** false: answer as soon as the call is queued (IvoryOS's hidden_wait=false); the outcome is recorded later. */
  wait?: boolean;
  /** Benchmarks only (IVORYOS_HOP_TIMING): marks the hops of this call. */
  timing?: HopTiming;
}

@Injectable()
export class DirectCallsService implements OnModuleInit {
  private readonly logger = new Logger(DirectCallsService.name);
  private readonly schemas = new Map<string, DeckSchema>();

  constructor(
    private readonly em: EntityManager,
    private readonly registry: DeckRegistryService,
    private readonly producer: DirectCallProducer,
  ) {}

  onModuleInit(): void {
    // The deck's QueueEvents (a blocking connection) is opened when its agent registers, not by the first call.
    this.registry.cameOnline.subscribe((deck) => void this.producer.listen(deck).catch((err: Error) => this.logger.warn(`queue events ${deck}: ${err.message}`)));
    // Results of calls whose HTTP caller timed out (or whose gateway died) are still recorded.
    this.producer.onUnclaimedAnswer((deck, jobId, value) => {
      const result = parseResult(value, directCallResultSchema);
      // The deck's queue also completes run hand-overs: their results are read by nobody.
      if (!result.ok && !parseResult(value, runAcceptResultSchema).ok) this.logger.warn(`call ${jobId}: unreadable answer from deck ${deck}: ${result.errors.join('; ')}`);
      else if (result.ok && result.value.callId === jobId) void this.record(deck, result.value).catch((err: Error) => this.logger.warn(`recording call ${jobId}: ${err.message}`));
    });
  }

  /** Run one instrument method on its deck's agent and answer once the record is committed. */
  async call(req: CallRequest): Promise<CallResultResponse> {
    const deck = await this.deckState(req.deck);
    const action = this.findAction((await this.schemaOf(req.deck, deck.schemaHash))?.instruments, req.deck, req.instrument, req.method);
    const converted = convertKwargs(action, req.body);
    if (!converted.ok) throw new BadInput(`Invalid arguments for ${req.instrument}.${req.method}: ${converted.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, converted.errors);
    if (!this.registry.isOnline(deck)) throw new Unavailable(`deck '${req.deck}' is offline: its agent sent no heartbeat recently`);
    if (!req.override && deck.holdingId) {
      throw new Conflict(`deck '${req.deck}' is busy with run ${deck.holdingId} (${deck.holdingStatus}); retry later or pass ?override=true`);
    }
    req.timing?.mark('checked');

    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Keys are per deck (deck names hold no ':'), and a scoped key's req.deck is its own (the guard
    // checked the route), so a replay never answers with another deck's call.
    const key = req.idempotencyKey ? `${req.deck}:${req.idempotencyKey}` : null;
    if (key) {
      const earlier = await this.em.findOne(SingleStep, { idempotencyKey: key, deck: req.deck });
      if (earlier) return this.replay(earlier, req, timeoutMs);
    }
    // One autocommitted INSERT: the unit of work's flush would add a transaction (BEGIN and COMMIT round trips).
    const em = this.em.fork();
    const step = em.create(SingleStep, {
      deck: req.deck, instrument: req.instrument, methodName: req.method, kwargs: (req.body ?? {}) as JsonObject,
      calledBy: req.calledBy, calledByKind: req.calledByKind === 'user' || req.calledByKind === 'key' ? req.calledByKind : null,
      idempotencyKey: key, status: 'pending',
    }, { persist: false });
    await em.insert(step);
    req.timing?.mark('inserted');

    const job: DirectCallJob = {
      schemaVersion: CONTRACT_VERSION, callId: step.id, deck: req.deck, instrument: req.instrument, action: req.method, kwargs: converted.kwargs,
      deadline: Date.now() + timeoutMs, calledBy: req.calledBy,
    };
    try {
      // The dispatch span is the agent's parent (through the job), below the request's span.
      const sent = await withSpan('dispatch direct call', { attributes: { 'ivoryos.call': step.id, 'ivoryos.deck': req.deck } }, (span) => {
        const trace = span && traceContextOf();
        return this.producer.send(trace ? { ...job, trace } : job, req.wait !== false, timeoutMs);
      });
      if (!sent) return { id: step.id, success: true, output: null, error: null, startedAt: null, endedAt: null };
      return await this.answer(req.deck, sent.answer, step.id, timeoutMs, req.timing);
    } catch (err) {
      if (err instanceof GatewayTimeout) throw err;
      await this.fail(step.id, `not delivered: ${err instanceof Error ? err.message : String(err)}`);
      throw new Unavailable('Redis is unavailable; the call was not sent');
    }
  }

  /** `deckScope`: the deck an API key is limited to; other decks' calls are left out (lists) or not found. */
  async list(q: ControlStepQueryDto, deckScope?: string): Promise<ControlStepListResponse> {
    const where: Record<string, unknown> = {};
    if (q.deck) where.deck = q.deck;
    if (deckScope) where.deck = deckScope;
    if (q.instrument) where.instrument = q.instrument;
    if (q.method) where.methodName = q.method;
    if (q.calledBy) where.calledBy = q.calledBy;
    const [rows, total] = await this.em.findAndCount(SingleStep, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.perPage, offset: (q.page - 1) * q.perPage });
    return { items: rows.map(toControlStep), total };
  }

  /** Which deck serves an instrument of this name: the one deck that has it (an online one first), within `deckScope`. */
  /** The deck that has `instrument` (online first); among several, `preferred` when it is one of them, else 409. */
  async deckWithInstrument(instrument: string, deckScope?: string, preferred?: string): Promise<string> {
    const decks = await this.em.find(Deck, deckScope ? { name: deckScope } : {}, { orderBy: { name: 'asc' } });
    const having = decks.filter((d) => d.schema && Object.hasOwn(d.schema.instruments, instrument));
    const online = having.filter((d) => this.registry.isOnline(d));
    const candidates = online.length ? online : having;
    if (!candidates.length) throw new NotFound('instrument', instrument, 'instrument');
    if (candidates.length > 1 && preferred && candidates.some((d) => d.name === preferred)) return preferred;
    if (candidates.length > 1) {
      throw new Conflict(`decks ${candidates.map((d) => d.name).join(', ')} all have ${instrument}; add ?deck=<name>`, [{ path: 'deck', message: 'is ambiguous' }]);
    }
    return candidates[0].name;
  }

  async get(id: string, deckScope?: string): Promise<ControlStepResponse> {
    const row = await this.em.findOne(SingleStep, deckScope ? { id, deck: deckScope } : { id });
    if (!row) throw new NotFound('control step', id);
    return toControlStep(row);
  }

  private findAction(instruments: Record<string, { actions: Record<string, ActionSchema> }> | undefined, deck: string, instrument: string, method: string): ActionSchema {
    // Own keys only: a path segment like `constructor` must not find Object.prototype's members.
    const inst = instruments && Object.hasOwn(instruments, instrument) ? instruments[instrument] : undefined;
    if (!inst) throw new NotFound(`instrument on deck '${deck}'`, instrument, 'instrument');
    const action = Object.hasOwn(inst.actions, method) ? inst.actions[method] : undefined;
    if (!action) throw new NotFound(`method of ${instrument}`, method, 'method');
    return action;
  }

  /** Waits for the agent's answer, records it, and returns it; a timeout becomes 504 with the call id. */
  private async answer(deck: string, result: Promise<unknown>, id: string, timeoutMs: number, timing?: HopTiming): Promise<CallResultResponse> {
    let value: unknown;
    try {
      value = await result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/timed out/i.test(message)) throw new GatewayTimeout(`no answer within ${timeoutMs} ms; the outcome will be recorded under this id`, { id });
      throw err;
    }
    timing?.mark('answered');
    const parsed = parseResult(value, directCallResultSchema);
    if (!parsed.ok) throw new Error(`call ${id}: the agent returned an unreadable result: ${parsed.errors.join('; ')}`);
    if (parsed.value.callId !== id) throw new Error(`call ${id}: the agent answered for call ${parsed.value.callId}`);
    const answer = parsed.value;
    // Recording is the call's last hop: a child of the agent's call span when it traced.
    await withSpan('record direct call', { parent: answer.trace, attributes: { 'ivoryos.call': id } }, () => this.record(deck, answer));
    timing?.mark('recorded');
    return toCallResult(parsed.value);
  }

  /** A retried request with the same Idempotency-Key gets the first call's answer, never a second call. */
  private async replay(earlier: SingleStep, req: CallRequest, timeoutMs: number): Promise<CallResultResponse> {
    if (earlier.instrument !== req.instrument || earlier.methodName !== req.method) {
      throw new Conflict('this Idempotency-Key was used for another call', [{ path: 'Idempotency-Key', message: 'already used for another call' }]);
    }
    if (earlier.status === 'completed' || earlier.status === 'failed') return toControlStep(earlier);
    const pending = await this.producer.answerOf(req.deck, earlier.id, timeoutMs);
    if (!pending) return toControlStep(earlier);
    return this.answer(req.deck, pending.answer, earlier.id, timeoutMs);
  }

  /**
   * The agent's answer onto the call's row (once: a row already completed or failed stays as it is),
   * only if the call is `deck`'s: the answer came from that deck's queue events, which its agent can write.
   */
  private async record(deck: string, r: DirectCallResult): Promise<void> {
    // A plain UPDATE: on every call, so without the ORM's query building and a fork of the entity manager.
    await this.em.getConnection().execute(
      'update single_step set status = ?, output = ?, error = ?, started_at = ?, ended_at = ? where id = ? and deck = ? and status in (?, ?)',
      [
        r.success ? 'completed' : 'failed', r.output === null || r.output === undefined ? null : JSON.stringify(r.output), r.error,
        r.startedAt ? new Date(r.startedAt) : null, r.endedAt ? new Date(r.endedAt) : new Date(), r.callId, deck, 'pending', 'running',
      ],
    );
  }

  /**
   * What a call needs to know about its deck, in one query: liveness, which schema it registered, and a
   * run holding it (if any). The schema itself comes from `schemaOf`, cached by hash.
   */
  private async deckState(name: string): Promise<DeckState> {
    const rows = await this.em.getConnection().execute<DeckStateRow[]>(
      `select d.schema_hash, d.last_seen_at, d.offline_at, h.id as holding_id, h.status as holding_status from deck d
       left join lateral (select r.id, r.status from workflow_run r where r.deck = d.name
         and (r.status in (?, ?, ?) or (r.status = 'queued' and r.dispatched_at is not null)) limit 1) h on true
       where d.name = ?`,
      [...DECK_HOLDING_RUN_STATUSES, name],
    );
    const row = rows[0];
    if (!row) throw new NotFound('deck', name, 'deck');
    return {
      schemaHash: row.schema_hash, lastSeenAt: toDate(row.last_seen_at), offlineAt: toDate(row.offline_at),
      holdingId: row.holding_id, holdingStatus: row.holding_status,
    };
  }

  /** A deck's registered schema; parsed once per schema hash, not on every call. */
  private async schemaOf(deck: string, hash: string | null): Promise<DeckSchema | null> {
    if (!hash) return null;
    const cached = this.schemas.get(hash);
    if (cached) return cached;
    const row = await this.em.findOne(Deck, { name: deck }, { fields: ['schema', 'schemaHash'] });
    if (!row?.schema) return null;
    if (row.schemaHash === hash) {
      if (this.schemas.size >= SCHEMA_CACHE_SIZE) this.schemas.delete(this.schemas.keys().next().value as string);
      this.schemas.set(hash, row.schema);
    }
    return row.schema;
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.em.fork().nativeUpdate(SingleStep, { id, status: 'pending' }, { status: 'failed', error, endedAt: new Date() });
  }
}

interface DeckStateRow {
  schema_hash: string | null;
  last_seen_at: Date | string | null;
  offline_at: Date | string | null;
  holding_id: string | null;
  holding_status: RunStatus | null;
}

interface DeckState {
  schemaHash: string | null;
  lastSeenAt: Date | null;
  offlineAt: Date | null;
  holdingId: string | null;
  holdingStatus: RunStatus | null;
}

function toDate(v: Date | string | null): Date | null {
  return v === null ? null : v instanceof Date ? v : new Date(v);
}

/** A job's result (BullMQ hands results back as JSON text or as parsed JSON), checked against the shared contract. */
function parseResult<S extends z.ZodType>(value: unknown, schema: S): MessageCheck<z.output<S>> {
  if (typeof value !== 'string') return checkMessage(schema, value);
  try {
    return checkMessage(schema, JSON.parse(value));
  } catch {
    return { ok: false, errors: ['payload: not JSON'] };
  }
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
