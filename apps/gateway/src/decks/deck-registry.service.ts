import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { AgentMessage, DeckSchema, JsonObject } from '@ivoryos/contracts';
import { Deck, DeckSchemaVersion } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { DeckCommandSender } from '../transport/deck-command.sender';
import type { RefusedRegistration } from '../transport/event-stream/agent-message-handlers';

type Msg<K extends AgentMessage['kind']> = Extract<AgentMessage, { kind: K }>;

/** Keeps the deck table current from agents' registrations and heartbeats (handed over by the transport's event-stream reader). */
@Injectable()
export class DeckRegistryService {
  private readonly logger = new Logger(DeckRegistryService.name);
  /** Deck names that just registered or came back after being offline (queued runs may start). */
  readonly cameOnline = new Subject<string>();

  constructor(
    private readonly em: EntityManager,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly commands: DeckCommandSender,
  ) {}

  /** A registration stores the schema; a changed hash is recorded as a new schema version. */
  async register(m: Msg<'register'>): Promise<void> {
    const em = this.em.fork();
    await em.transactional(async (tx) => {
      const deck = (await tx.findOne(Deck, { name: m.deck }, { lockMode: 4 /* pessimistic write */ })) ?? tx.create(Deck, { name: m.deck });
      if (deck.schemaHash !== m.schema.hash) {
        if (deck.schemaHash) this.logger.warn(`deck ${m.deck}: schema changed ${deck.schemaHash.slice(0, 12)} → ${m.schema.hash.slice(0, 12)}`);
        tx.create(DeckSchemaVersion, { deck: m.deck, hash: m.schema.hash, schema: m.schema as DeckSchema, registeredAt: new Date() });
      }
      deck.schema = m.schema;
      deck.schemaHash = m.schema.hash;
      deck.agent = m.agent as unknown as JsonObject;
      deck.lastSeenAt = new Date();
      deck.offlineAt = null;
    });
    this.cameOnline.next(m.deck);
  }

  /**
   * A registration of a contract version this gateway does not speak: nothing is stored (the deck stays as
   * it was), and the agent is told why on its command stream, so its own log says what to do.
   */
  async refuse(r: RefusedRegistration): Promise<void> {
    this.logger.warn(`deck ${r.deck}: registration of agent pid ${r.agent.pid} on ${r.agent.host} refused: ${r.reason}`);
    await this.commands.send(r.deck, {
      kind: 'deck', type: 'registration-refused', commandId: randomUUID(), agent: r.agent,
      gatewaySpeaks: r.gatewaySpeaks, agentSpeaks: r.agentSpeaks, reason: r.reason, issuedAt: new Date().toISOString(),
    });
  }

  async heartbeat(m: Msg<'heartbeat'>): Promise<void> {
    const em = this.em.fork();
    const before = await em.findOne(Deck, { name: m.deck }, { fields: ['lastSeenAt', 'offlineAt'] });
    const updated = await em.nativeUpdate(
      Deck,
      { name: m.deck },
      { lastSeenAt: new Date(), agent: m.agent as unknown as JsonObject, activity: m.status, offlineAt: null },
    );
    if (before && !this.isOnline(before)) this.cameOnline.next(m.deck);
    // Heartbeats of a deck that never registered here (Redis kept it, PostgreSQL did not) wait for the next registration.
    if (!updated) this.logger.debug(`heartbeat from unregistered deck ${m.deck}`);
  }

  async offline(m: Msg<'offline'>): Promise<void> {
    await this.em.fork().nativeUpdate(Deck, { name: m.deck }, { offlineAt: new Date(), activity: 'idle' });
  }

  /** Online: a heartbeat within the offline window, and no orderly goodbye since. */
  /** Whether each named deck's agent is online now (false for decks never registered). */
  async presence(names: string[]): Promise<Map<string, boolean>> {
    const unique = [...new Set(names)];
    const rows = unique.length ? await this.em.fork().find(Deck, { name: { $in: unique } }, { fields: ['name', 'lastSeenAt', 'offlineAt'] }) : [];
    const online = new Map(rows.map((d) => [d.name, this.isOnline(d)]));
    return new Map(unique.map((name) => [name, online.get(name) ?? false]));
  }

  isOnline(deck: Pick<Deck, 'lastSeenAt' | 'offlineAt'>, now = Date.now()): boolean {
    if (deck.offlineAt || !deck.lastSeenAt) return false;
    return now - deck.lastSeenAt.getTime() <= this.config.env.IVORYOS_DECK_OFFLINE_AFTER_MS;
  }
}
