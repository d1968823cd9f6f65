import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@ivoryos/contracts';
import type { AuthActor } from '../common/actor';
import { BadInput, Conflict, DomainError } from '../common/domain-errors';
import { RunSubmissionService } from '../runs/submit/run-submission.service';
import { BUILT_IN } from '../runs/submit/optimizer-run-plan';
import { builtInSchema, campaignRequest, ivoryosPath, OPTIMIZER_KEYS } from './ivoryos-campaign';
import { IvoryosDraftsService } from './ivoryos-drafts.service';

const notSupported = (type: string) => `Optimizer ${type} is not supported or not found.`;

/**
 * IvoryOS's optimizer routes on our `optimizer` run mode: a campaign of the user's loaded workflow is
 * queued as an optimizer run on the deck. No Ax, BayBE or NIMO runs here: the built-in optimizer serves
 * their names, and says so in the answer and in the run's log.
 */
@Injectable()
export class IvoryosCampaignService {
  constructor(
    private readonly drafts: IvoryosDraftsService,
    private readonly submission: RunSubmissionService,
  ) {}

  /** `POST /executions/optimizer_schema` `{ optimizer_type? }`: that optimizer's schema, every one by key, or IvoryOS's `{ error }` (200, as it answers). */
  schema(body: unknown): JsonObject {
    const type = isObject(body) ? body.optimizer_type : undefined;
    if (type === undefined || type === null || type === '') return Object.fromEntries(OPTIMIZER_KEYS.map((k) => [k, builtInSchema(k)]));
    if (typeof type !== 'string' || !(OPTIMIZER_KEYS as readonly string[]).includes(type)) return { error: notSupported(String(type)) };
    return builtInSchema(type);
  }

  /** `POST /executions/campaign` (IvoryOS's JSON form): an optimizer run of the loaded workflow. */
  async campaign(body: unknown, deck: string, actor: AuthActor): Promise<JsonObject> {
    const src = isObject(body) ? body : {};
    const type = typeof src.optimizer_type === 'string' && src.optimizer_type ? src.optimizer_type : 'builtin';
    if (!(OPTIMIZER_KEYS as readonly string[]).includes(type)) throw new BadInput(notSupported(type), [{ path: 'optimizer_type', message: notSupported(type) }]);
    const draft = await this.drafts.get(actor, deck);
    if (!draft) throw new Conflict('no workflow is loaded: load one with GET /ivoryos/library/<name> or POST /ivoryos/draft/submit_python first', [{ path: 'workflow', message: 'none loaded' }]);
    const { optimizer, errors } = campaignRequest(src);
    if (errors.length) throw new BadInput(`The campaign is not valid: ${errors[0].path} ${errors[0].message}`, errors);
    const servedBy = type === 'builtin' ? BUILT_IN : `${BUILT_IN}, serving a request for ${type} (not installed here)`;
    const name = typeof src.display_name === 'string' && src.display_name.trim() ? src.display_name.trim().slice(0, 128) : undefined;
    try {
      const run = await this.submission.queue(draft.document, draft.workflowName, deck, { optimizer, ...(name ? { name } : {}) }, undefined, actor, null, { servedBy });
      return { status: 'task started', task_id: run.number, optimizer: servedBy };
    } catch (err) {
      // the run's own check names our fields; the client sent IvoryOS's
      if (err instanceof DomainError && err.errors?.length) {
        const mapped = err.errors.map((e) => ({ path: ivoryosPath(e.path).replace(/^objectives\[(\d+)\]\.output$/, 'objectives[$1].name'), message: e.message }));
        throw new BadInput(`The campaign is not valid: ${mapped[0].path} ${mapped[0].message}`, mapped);
      }
      throw err;
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
