import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { STREAM_FIELD, streamKeys, type DeckCommand } from '@ivoryos/contracts';
import { AuditLog } from '../audit/audit-log';
import type { AuthActor } from '../common/actor';
import { Conflict, NotFound, Unavailable } from '../common/domain-errors';
import { REDIS } from '../redis/redis.module';
import { DeckRegistryService } from './deck-registry.service';
import { DecksService } from './decks.service';
import type { DeckRestartResponse } from './dto/deck-restart.dto';

/**
 * POST /api/decks/<deck>/restart: asks a Python deck's agent to restart its bridge child, the way out of a hung
 * driver call or a degraded bridge. Sent on the deck's command stream, which the agent reads even while a call runs.
 */
@Injectable()
export class DeckRestartService {
  constructor(
    private readonly em: EntityManager,
    private readonly decks: DecksService,
    private readonly registry: DeckRegistryService,
    private readonly audit: AuditLog,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async restart(name: string, actor: AuthActor): Promise<DeckRestartResponse> {
    if (actor.deck && actor.deck !== name) throw new NotFound('deck', name, 'deck');
    const deck = await this.decks.find(name);
    if (deck.schema?.source?.language !== 'py') throw new Conflict(`deck '${name}' is not a Python deck: only a Python deck has a bridge to restart`, [{ path: 'deck', message: 'not a Python deck' }]);
    if (!this.registry.isOnline(deck)) throw new Conflict(`deck '${name}' is offline: its agent starts a new bridge when it starts`, [{ path: 'deck', message: 'offline' }]);
    const command: DeckCommand = { kind: 'deck', commandId: randomUUID(), type: 'restart-bridge', issuedBy: actor.name, issuedAt: new Date().toISOString() };
    try {
      await this.redis.xadd(streamKeys.commands(name), 'MAXLEN', '~', '10000', '*', STREAM_FIELD, JSON.stringify(command));
    } catch (err) {
      throw new Unavailable(`the restart could not be sent (Redis: ${(err as Error).message})`);
    }
    const em = this.em.fork();
    this.audit.record(em, { name: actor.name, kind: actor.kind }, { action: 'deck.restart', target: name, deck: name, details: { commandId: command.commandId } });
    await em.flush();
    return { deck: name, commandId: command.commandId, requested: true };
  }
}
