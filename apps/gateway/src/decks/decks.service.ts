import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Deck, DeckSchemaVersion } from '@ivoryos/db';
import { Conflict, NotFound } from '../common/domain-errors';
import { DeckRegistryService } from './deck-registry.service';
import { generateProxy } from './proxy-generator';
import type { AgentInfoResponse, DeckListResponse, DeckResponse, DeckSummaryResponse } from './dto/deck-response.dto';

@Injectable()
export class DecksService {
  constructor(
    private readonly em: EntityManager,
    private readonly registry: DeckRegistryService,
  ) {}

  async list(onlyDeck?: string): Promise<DeckListResponse> {
    const decks = await this.em.find(Deck, onlyDeck ? { name: onlyDeck } : {}, { orderBy: { name: 'asc' } });
    return { items: decks.map((d) => this.summary(d)) };
  }

  async get(name: string): Promise<DeckResponse> {
    const deck = await this.find(name);
    const history = await this.em.find(DeckSchemaVersion, { deck: name }, { orderBy: { registeredAt: 'desc' }, fields: ['hash', 'registeredAt'], limit: 50 });
    return {
      ...this.summary(deck),
      schema: deck.schema as unknown as Record<string, unknown> | null,
      schemaHistory: history.map((h) => ({ hash: h.hash, registeredAt: h.registeredAt.toISOString() })),
    };
  }

  async proxy(name: string): Promise<string> {
    const deck = await this.find(name);
    if (!deck.schema) throw new Conflict(`deck '${name}' has not registered a schema yet`);
    return generateProxy(deck.schema, { generatedAt: new Date().toISOString() });
  }

  findOptional(name: string): Promise<Deck | null> {
    return this.em.findOne(Deck, { name });
  }

  async find(name: string): Promise<Deck> {
    const deck = await this.em.findOne(Deck, { name });
    if (!deck) throw new NotFound('deck', name, 'deck');
    return deck;
  }

  summary(d: Deck): DeckSummaryResponse {
    const online = this.registry.isOnline(d);
    return {
      name: d.name,
      online,
      status: online ? d.activity : 'offline',
      schemaHash: d.schemaHash,
      lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
      agent: d.agent ? (d.agent as unknown as AgentInfoResponse) : null,
      instruments: Object.keys(d.schema?.instruments ?? {}),
    };
  }
}
