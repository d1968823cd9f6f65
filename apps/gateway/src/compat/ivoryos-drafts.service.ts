import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { WorkflowDocument } from '@ivoryos/contracts';
import { IvoryosDraft } from '@ivoryos/db';
import type { AuthActor } from '../common/actor';

/** Each user's loaded workflow per deck (IvoryOS's draft), in PostgreSQL like every other record. */
@Injectable()
export class IvoryosDraftsService {
  constructor(private readonly em: EntityManager) {}

  get(actor: AuthActor, deck: string): Promise<IvoryosDraft | null> {
    return this.em.fork().findOne(IvoryosDraft, { ownerKind: actor.kind, ownerName: actor.name, deck });
  }

  async load(actor: AuthActor, deck: string, document: WorkflowDocument, workflowName: string | null): Promise<void> {
    await this.em.fork().upsert(IvoryosDraft, {
      ownerKind: actor.kind, ownerName: actor.name, deck, workflowName, document, updatedAt: new Date(),
    });
  }
}
