import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@ivoryos/contracts';
import { SingleStep } from '@ivoryos/db';
import type { AuthActor } from '../common/actor';
import { DomainError } from '../common/domain-errors';
import { isUuid } from '../common/param-pipes';
import { toIvoryosTask } from './ivoryos-format';

/** IvoryOS's 404 for an unknown direct-call id. */
export class TaskNotFound extends DomainError {
  constructor() {
    super(404, 'Task not found');
  }
}

/** Direct calls (IvoryOS's tasks) named by number, as IvoryOS's clients name them; the UUID works too. */
@Injectable()
export class IvoryosTasksService {
  constructor(private readonly em: EntityManager) {}

  async numberOf(id: string): Promise<number> {
    return (await this.em.fork().findOneOrFail(SingleStep, { id }, { fields: ['number'] })).number;
  }

  /** `deck`: the deck of `/decks/<deck>/ivoryos`, if the route named one. */
  async get(id: string, deck: string | undefined, actor: AuthActor): Promise<JsonObject> {
    const where = /^\d{1,10}$/.test(id) && Number(id) <= 2_147_483_647 ? { number: Number(id) } : isUuid(id) ? { id: id.toLowerCase() } : undefined;
    const s = where ? await this.em.fork().findOne(SingleStep, where) : null;
    if (!s || (deck !== undefined && s.deck !== deck) || (actor.deck && s.deck !== actor.deck)) throw new TaskNotFound();
    return toIvoryosTask(s);
  }
}
