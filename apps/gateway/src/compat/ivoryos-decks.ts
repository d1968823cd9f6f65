import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { DECK_NAME_PATTERN, type DeckSchema } from '@ivoryos/contracts';
import { Deck } from '@ivoryos/db';
import { AccessDenied } from '../auth/auth-errors';
import type { AuthActor } from '../common/actor';
import { BadInput, Conflict, NotFound } from '../common/domain-errors';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

/**
 * Which deck an IvoryOS route serves. An IvoryOS server has one deck: `/ivoryos/...` serves the
 * default deck (IVORYOS_DEFAULT_DECK, else the only deck there is, else the API key's own deck),
 * `/decks/<deck>/ivoryos/...` any deck.
 */
@Injectable()
export class IvoryosDecks {
  constructor(
    private readonly em: EntityManager,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The deck's name; `fromPath` is the `<deck>` of `/decks/<deck>/ivoryos`. */
  async resolve(fromPath: string | undefined, actor: AuthActor): Promise<string> {
    const named = fromPath ?? this.defaultName(actor);
    if (named !== undefined) {
      if (!DECK_NAME_PATTERN.test(named)) throw BadInput.field('deck', 'must be 1 to 64 letters, digits, _ or -');
      if (actor.deck && named !== actor.deck) throw new AccessDenied(`This API key is limited to deck '${actor.deck}', not '${named}'`);
      return named;
    }
    const decks = await this.em.find(Deck, {}, { fields: ['name'], orderBy: { name: 'asc' }, limit: 2 });
    if (decks.length === 1) return decks[0].name;
    throw new Conflict(
      decks.length ? 'several decks are registered and IVORYOS_DEFAULT_DECK is not set: use /decks/<deck>/ivoryos/...' : 'no deck has registered yet',
      [{ path: 'deck', message: decks.length ? 'is ambiguous' : 'no deck' }],
    );
  }

  /** The default deck when one is configured or implied by the caller, without reading the database. */
  defaultName(actor: AuthActor): string | undefined {
    return actor.deck ?? this.config.env.IVORYOS_DEFAULT_DECK;
  }

  async schema(deck: string): Promise<DeckSchema> {
    const row = await this.em.findOne(Deck, { name: deck }, { fields: ['name', 'schema'] });
    if (!row) throw new NotFound('deck', deck, 'deck');
    if (!row.schema) throw new Conflict(`deck '${deck}' has not registered its instruments yet`, [{ path: 'deck', message: 'has no registered schema' }]);
    return row.schema;
  }
}
