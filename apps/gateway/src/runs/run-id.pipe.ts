import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { WorkflowRun } from '@ivoryos/db';
import { isUuid } from '../common/param-pipes';
import { BadInput, NotFound } from '../common/domain-errors';

/**
 * A run's `:id` in a path: its UUID, or its number (what IvoryOS's clients call a run id).
 * Numbers are resolved to the UUID here; deck scoping stays with the services.
 */
@Injectable()
export class RunIdParam implements PipeTransform<string, Promise<string>> {
  constructor(private readonly em: EntityManager) {}

  async transform(value: string): Promise<string> {
    if (/^\d{1,10}$/.test(value)) {
      const n = Number(value);
      const run = n <= 2_147_483_647 ? await this.em.fork().findOne(WorkflowRun, { number: n }, { fields: ['id'] }) : null;
      if (!run) throw new NotFound('run', value);
      return run.id;
    }
    if (!isUuid(value)) throw BadInput.field('id', 'must be a run UUID or a run number');
    return value.toLowerCase();
  }
}
