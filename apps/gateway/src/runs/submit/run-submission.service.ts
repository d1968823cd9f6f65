import { EntityManager } from '@mikro-orm/postgresql';
import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  Choice, DeckSchema, FieldError, JsonObject, ParameterRow, TypeDescriptor, WorkflowAction, WorkflowDocument,
} from '@ivoryos/contracts';
import { Workflow, WorkflowRun } from '@ivoryos/db';
import { convertParameterRows, parseConfigCsv, validateWorkflow, type ParameterInfo, type ValidationResult } from '@ivoryos/workflow';
import { traceContextOf } from '@ivoryos/telemetry';
import { AccessDenied } from '../../auth/auth-errors';
import type { AuthActor } from '../../common/actor';
import { BadInput, Conflict, NotFound } from '../../common/domain-errors';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { DecksService } from '../../decks/decks.service';
import { toDocument } from '../../workflows/workflow-document';
import { workflowAccess } from '../../workflows/workflow-scope';
import { RunDispatcher } from '../dispatch/run-dispatcher';
import { checkWebhookTarget, parseWebhookAllowList, type WebhookAllowEntry } from '../notify/webhook-allow';
import { checkOptimizerRequest } from './optimizer-request';
import { resolveSeeds } from './optimizer-seeds';
import type { SubmitRunDto, SubmitRunResponse } from './submit-run.dto';
import type { OptimizerRunPlan } from './optimizer-run-plan';

@Injectable()
export class RunSubmissionService {
  private readonly webhookAllow: WebhookAllowEntry[];
  private readonly dataDir: string;

  constructor(
    private readonly em: EntityManager,
    private readonly decks: DecksService,
    private readonly dispatcher: RunDispatcher,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.webhookAllow = parseWebhookAllowList(config.env.IVORYOS_WEBHOOK_ALLOW);
    this.dataDir = config.dataDir;
  }

  /**
   * Queue a run of a saved workflow: validated against the deck's registered schema first (every
   * problem at once), its parameter rows converted by type, and an immutable snapshot kept.
   */
  async submit(dto: SubmitRunDto, csv: string | undefined, actor: AuthActor, idempotencyKey?: string): Promise<SubmitRunResponse> {
    const key = idempotencyKey ? `${actor.kind}:${actor.name}:${idempotencyKey}` : null;
    if (key) {
      const earlier = await this.em.findOne(WorkflowRun, { idempotencyKey: key }, { fields: ['id', 'number', 'deck', 'position', 'status'] });
      // Key names need not be unique: another deck's key of the same name must not learn its run.
      if (earlier && actor.deck && earlier.deck !== actor.deck) {
        throw new Conflict('this Idempotency-Key was used for another request', [{ path: 'Idempotency-Key', message: 'already used for another request' }]);
      }
      if (earlier) return { id: earlier.id, number: earlier.number, status: 'queued', position: await this.queuePosition(earlier) };
    }
    this.checkNotify(dto.notify);
    const wf = await this.em.findOne(Workflow, { name: dto.workflow });
    if (!wf || workflowAccess(actor.deck, wf.deck) === 'none') throw new NotFound('workflow', dto.workflow, 'workflow');
    const deckName = dto.deck ?? wf.deck;
    if (!deckName) throw BadInput.field('deck', 'the workflow names no deck; say which deck to run it on');
    if (actor.deck && deckName !== actor.deck) throw new AccessDenied(`This API key is limited to deck '${actor.deck}', not '${deckName}'`);
    return this.queue(toDocument(wf), wf.name, deckName, dto, csv, actor, key);
  }

  /**
   * Queue a run of a workflow document (a saved workflow, or a user's loaded IvoryOS draft) on a
   * deck: validated against the deck's schema, rows converted by type, the snapshot kept.
   */
  async queue(
    doc: WorkflowDocument, workflowName: string | null, deckName: string, dto: Omit<SubmitRunDto, 'workflow'>, csv: string | undefined,
    actor: AuthActor, idempotencyKey: string | null = null,
    /** An optimizer run: what serves the campaign, when a caller asked for another optimizer by name (IvoryOS's ax, baybe, nimo). */
    extras: { servedBy?: string } = {},
  ): Promise<SubmitRunResponse> {
    const deck = await this.decks.find(deckName);
    if (!deck.schema) throw new Conflict(`deck '${deckName}' has not registered its instruments yet`, [{ path: 'deck', message: 'has no registered schema' }]);

    const snapshot = await this.snapshot(doc, deckName);
    const validation = validateWorkflow(snapshot, deck.schema);
    if (!validation.valid) {
      const errors = validation.errors.map((e) => ({
        // The step is named by its id within the phase, as the validate endpoint reports it.
        path: `workflow.${e.phase}${e.stepId !== null && e.stepId !== undefined ? `[${e.stepId}]` : ''}${e.field ? `.${e.field}` : ''}`,
        message: e.message,
      }));
      throw new BadInput(`Workflow '${doc.name}' cannot run on deck '${deckName}': ${errors.length} problem(s), first: ${errors[0].message}`, errors);
    }
    const plan = dto.optimizer !== undefined ? await this.optimizerPlan(dto, csv, validation, deck.schema, actor) : null;
    const optimizer = plan && extras.servedBy ? { ...plan, servedBy: extras.servedBy } : plan;
    const rows = optimizer ? null : this.rows(dto, csv, validation.parameters, deck.schema);
    const position = ((await this.em.getConnection().execute<{ max: number | null }[]>(
      'select max(position) as max from workflow_run where deck = ? and status = ?', [deckName, 'queued'],
    ))[0]?.max ?? 0) + 1;
    const run = this.em.create(WorkflowRun, {
      name: dto.name ?? doc.name, deck: deckName, workflowName, workflowSnapshot: snapshot,
      mode: optimizer ? 'optimizer' : rows ? 'parameters' : 'repeat', parameters: rows,
      // an optimizer run's iterations: at most budget / batch size (it may stop earlier)
      repeat: optimizer ? Math.ceil(optimizer.budget / optimizer.batchSize) : dto.repeat ?? 1,
      batchSize: optimizer?.batchSize ?? dto.batchSize ?? 1, optimizer: optimizer as unknown as JsonObject | null,
      onError: dto.onError ?? 'wait', notify: dto.notify ?? null, externalId: dto.externalId ?? null, metadata: dto.metadata ?? null,
      startedBy: actor.name, startedByKind: actor.kind === 'key' ? 'key' : 'user', idempotencyKey, position,
      traceContext: traceContextOf() ?? null,
    });
    await this.em.flush();
    this.dispatcher.kick(deckName);
    const { number } = await this.em.findOneOrFail(WorkflowRun, { id: run.id }, { fields: ['number'], refresh: true });
    return { id: run.id, number, status: 'queued', position: await this.queuePosition(run) };
  }

  /**
   * Webhook targets outside IVORYOS_WEBHOOK_ALLOW are refused now, not first noticed when the run
   * ends. Host names that only an address range could admit pass; their addresses are checked
   * when the webhook is sent (DNS can change in between).
   */
  private checkNotify(urls: string[] | undefined): void {
    const errors = (urls ?? []).flatMap((url, i) => {
      const check = checkWebhookTarget(url, this.webhookAllow);
      return check.ok ? [] : [{ path: `notify[${i}]`, message: check.reason }];
    });
    if (errors.length) throw new BadInput(`Webhook target not allowed: ${errors[0].path} ${errors[0].message}`, errors);
  }

  /**
   * An optimizer run's campaign: the `optimizer` object checked against the workflow (every problem by
   * field path), its seed fixed now (drawn when not given, so the campaign can be replayed) and its
   * `seedFrom` resolved into trials.
   */
  private async optimizerPlan(
    dto: Omit<SubmitRunDto, 'workflow'>, csv: string | undefined, validation: ValidationResult, schema: DeckSchema, actor: AuthActor,
  ): Promise<OptimizerRunPlan> {
    const errors: FieldError[] = [];
    if (csv !== undefined) errors.push({ path: 'file', message: 'an optimizer run chooses its own parameters; send no CSV file' });
    if (dto.parameters !== undefined) errors.push({ path: 'parameters', message: 'an optimizer run chooses its own parameters; leave parameters out' });
    if (dto.repeat !== undefined) errors.push({ path: 'repeat', message: 'an optimizer run is sized by optimizer.budget; leave repeat out' });
    if (dto.batchSize !== undefined) errors.push({ path: 'batchSize', message: 'give the trials per iteration as optimizer.batchSize' });
    const { plan, errors: planErrors } = checkOptimizerRequest(dto.optimizer, {
      parameters: validation.parameters, outputs: validation.outputs, choicesOf: (type) => choicesFor(type, schema),
    }, randomInt(0, 2 ** 31 - 1));
    errors.push(...planErrors);
    let seeded: OptimizerRunPlan['seeded'] = [];
    if (plan && plan.seedFrom.length > 0) {
      const resolved = await resolveSeeds(this.em, plan, {
        parameters: validation.parameters, outputs: plan.config.objectives.map((o) => o.output),
      }, this.dataDir, actor.deck);
      errors.push(...resolved.errors);
      seeded = resolved.seeded;
    }
    if (errors.length || !plan) throw new BadInput(`The optimizer campaign is not valid: ${errors[0].path} ${errors[0].message}`, errors);
    return { ...plan, seeded };
  }

  private rows(dto: Omit<SubmitRunDto, 'workflow'>, csv: string | undefined, params: ParameterInfo[], schema: DeckSchema): ParameterRow[] | null {
    const columns = params.map((p) => ({ name: p.name, type: p.type, choices: choicesFor(p.type, schema) }));
    const names = params.map((p) => p.name).join(', ');
    if (csv !== undefined && dto.parameters) throw BadInput.field('parameters', 'send the rows either as parameters or as a CSV file, not both');
    if (!params.length) {
      if (csv !== undefined || dto.parameters) throw BadInput.field(csv !== undefined ? 'file' : 'parameters', 'the workflow has no run parameters; use repeat');
      return null;
    }
    if (dto.repeat !== undefined) throw BadInput.field('repeat', `repeat is for workflows without run parameters; this one takes ${names} (one row per sample)`);
    let result: { rows: ParameterRow[]; errors: FieldError[] };
    let prefix: string;
    if (csv !== undefined) {
      result = parseConfigCsv(csv, { parameters: columns });
      prefix = 'file';
    } else if (dto.parameters) {
      result = convertParameterRows(dto.parameters, columns);
      result = { ...result, errors: result.errors.map((e) => ({ ...e, path: e.path.replace(/^rows/, '') })) };
      prefix = 'parameters';
    } else {
      throw BadInput.field('parameters', `the workflow has run parameters (${names}): send one row per sample, or a CSV file`);
    }
    if (result.errors.length) {
      const errors = result.errors.map((e) => ({ path: `${prefix}${e.path.startsWith('[') ? '' : '.'}${e.path}`, message: e.message }));
      throw new BadInput(`Parameter rows are not valid: ${errors[0].path} ${errors[0].message}`, errors);
    }
    if (!result.rows.length) throw BadInput.field(prefix, 'holds no rows');
    return result.rows;
  }

  /** Registered workflows embedded by name only are copied in now, so the run never changes later. */
  private async snapshot(doc: WorkflowDocument, deck: string): Promise<WorkflowDocument> {
    const copy = structuredClone(doc);
    const fill = async (actions: WorkflowAction[], depth: number): Promise<void> => {
      for (const a of actions) {
        if (a.instrument !== 'workflows') continue;
        if (!a.workflow?.length && depth < 8) {
          const sub = await this.em.findOne(Workflow, { name: a.action, registered: true, deck });
          if (sub) a.workflow = structuredClone(sub.scriptDict.script);
        }
        if (a.workflow) await fill(a.workflow, depth + 1);
      }
    };
    for (const phase of ['prep', 'script', 'cleanup'] as const) await fill(copy.script_dict[phase], 0);
    return copy;
  }

  private async queuePosition(run: Pick<WorkflowRun, 'deck' | 'position'>): Promise<number> {
    if (run.position === null) return 0;
    return this.em.count(WorkflowRun, { deck: run.deck, status: 'queued', position: { $lte: run.position } });
  }
}

function choicesFor(type: TypeDescriptor, schema: DeckSchema): Choice[] | undefined {
  const wanted = (Array.isArray(type) ? type : [type]).find((t) => t.startsWith('Enum:') || t.startsWith('Literal:'));
  if (!wanted) return undefined;
  for (const inst of Object.values(schema.instruments)) {
    for (const action of Object.values(inst.actions)) {
      for (const p of action.params) {
        if ((Array.isArray(p.type) ? p.type : [p.type]).includes(wanted) && p.choices) return p.choices;
      }
    }
  }
  return undefined;
}

