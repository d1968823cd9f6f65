import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { CONTRACT_VERSION, type DeckCommand } from '@ivoryos/contracts';
import { AuditLog } from '../audit/audit-log';
import type { AuthActor } from '../common/actor';
import { Conflict, NotFound, Unavailable } from '../common/domain-errors';
import { DeckCommandSender } from '../transport/deck-command.sender';
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
    private readonly commands: DeckCommandSender,
  ) {}

  async restart(name: string, actor: AuthActor): Promise<DeckRestartResponse> {
    if (actor.deck && actor.deck !== name) throw new NotFound('deck', name, 'deck');
    const deck = await this.decks.find(name);
    if (deck.schema?.source?.language !== 'py') throw new Conflict(`deck '${name}' is not a Python deck: only a Python deck has a bridge to restart`, [{ path: 'deck', message: 'not a Python deck' }]);
    if (!this.registry.isOnline(deck)) throw new Conflict(`deck '${name}' is offline: its agent starts a new bridge when it starts`, [{ path: 'deck', message: 'offline' }]);
    const command: DeckCommand = { kind: 'deck', schemaVersion: CONTRACT_VERSION, commandId: randomUUID(), type: 'restart-bridge', issuedBy: actor.name, issuedAt: new Date().toISOString() };
    try {
      await this.commands.send(name, command);
    } catch (err) {
      throw new Unavailable(`the restart could not be sent (Redis: ${(err as Error).message})`);
    }
    const em = this.em.fork();
    this.audit.record(em, { name: actor.name, kind: actor.kind }, { action: 'deck.restart', target: name, deck: name, details: { commandId: command.commandId } });
    await em.flush();
    return { deck: name, commandId: command.commandId, requested: true };
  }
}
