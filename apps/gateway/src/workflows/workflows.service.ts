import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { ScriptDict, WorkflowDocument } from '@ivoryos/contracts';
import { Workflow } from '@ivoryos/db';
import { AccessDenied } from '../auth/auth-errors';
import { BadInput, Conflict, NotFound } from '../common/domain-errors';
import { flattenValidationErrors } from '../common/validation';
import { WorkflowBodyDto } from './dto/workflow-body.dto';
import type { WorkflowQueryDto } from './dto/workflow-query.dto';
import {
  emptyScriptDict, formatIvoryosTime, normaliseImport, parseIvoryosTime, repairIdOrder, toDocument,
} from './workflow-document';
import { validateWorkflow } from '@ivoryos/workflow';
import { checkBodyDeck, visibleDecks, workflowAccess } from './workflow-scope';

const SORT_COLUMNS: Record<string, keyof Workflow> = {
  name: 'name', deck: 'deck', status: 'status', author: 'author', time_created: 'createdAt', last_modified: 'modifiedAt',
};

export interface WorkflowSummary {
  name: string;
  deck: string | null;
  status: string;
  author: string;
  description: string;
  registered: boolean;
  uuid: string | null;
  steps: number;
  time_created: string;
  last_modified: string;
}

/**
 * `scope` below: the deck an API key is limited to (see workflow-scope.ts): other decks' workflows
 * are not found, deck-less ones are read-only, and bodies must name the key's deck.
 */
@Injectable()
export class WorkflowsService {
  constructor(private readonly em: EntityManager) {}

  async list(q: WorkflowQueryDto, scope?: string): Promise<{ items: WorkflowSummary[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (q.deck) where.deck = q.deck;
    if (scope) where.$and = [visibleDecks(scope)];
    if (q.status) where.status = q.status;
    if (q.author) where.author = q.author;
    if (q.keyword) {
      const like = `%${q.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ name: { $ilike: like } }, { description: { $ilike: like } }];
    }
    const sort = q.sort ?? '-last_modified';
    const desc = sort.startsWith('-');
    const column = SORT_COLUMNS[desc ? sort.slice(1) : sort];
    const [rows, total] = await this.em.findAndCount(Workflow, where, {
      // Name breaks ties (and must not overwrite the sort key when sorting by name).
      orderBy: column === 'name' ? { name: desc ? 'desc' : 'asc' } : { [column]: desc ? 'desc' : 'asc', name: 'asc' },
      limit: q.perPage,
      offset: (q.page - 1) * q.perPage,
    });
    return { items: rows.map(toSummary), total };
  }

  async get(name: string, scope?: string): Promise<WorkflowDocument> {
    return toDocument(await this.find(name, scope, 'read'));
  }

  async create(body: WorkflowBodyDto, author: string, scope?: string): Promise<WorkflowDocument> {
    checkBodyDeck(scope, 'deck', body.deck, true);
    await this.assertNameFree(body.name);
    const w = new Workflow();
    w.author = author;
    w.uuid = randomUUID();
    this.apply(w, body);
    await this.em.persistAndFlush(w);
    return toDocument(w);
  }

  async replace(name: string, body: WorkflowBodyDto, scope?: string): Promise<WorkflowDocument> {
    const w = await this.find(name, scope, 'write');
    checkBodyDeck(scope, 'deck', body.deck, true);
    if (w.status === 'finalized') throw new Conflict(`workflow '${name}' is finalized and cannot be overwritten; use save-as`);
    if (body.name !== name) {
      await this.assertNameFree(body.name);
      w.name = body.name;
    }
    this.apply(w, body);
    w.modifiedAt = new Date();
    await this.em.flush();
    return toDocument(w);
  }

  async remove(name: string, scope?: string): Promise<void> {
    const w = await this.find(name, scope, 'write');
    await this.em.removeAndFlush(w);
  }

  async saveAs(name: string, newName: string, author: string, scope?: string): Promise<WorkflowDocument> {
    const src = await this.find(name, scope, 'read');
    await this.assertNameFree(newName);
    const copy = new Workflow();
    Object.assign(copy, {
      // A scoped key's copy of a deck-less template lands on its own deck, where it may change it.
      name: newName, deck: scope ?? src.deck, scriptDict: structuredClone(src.scriptDict), idOrder: structuredClone(src.idOrder),
      editingType: src.editingType, description: src.description, registered: false, returnValues: [...src.returnValues],
      extra: src.extra ? structuredClone(src.extra) : null, status: 'editing', author, uuid: randomUUID(),
    });
    await this.em.persistAndFlush(copy);
    return toDocument(copy);
  }

  async finalize(name: string, scope?: string): Promise<WorkflowDocument> {
    const w = await this.find(name, scope, 'write');
    w.status = 'finalized';
    w.returnValues = outputsOf(w.scriptDict);
    w.modifiedAt = new Date();
    await this.em.flush();
    return toDocument(w);
  }

  async register(name: string, registered: boolean, scope?: string): Promise<WorkflowDocument> {
    const w = await this.find(name, scope, 'write');
    w.registered = registered;
    w.modifiedAt = new Date();
    await this.em.flush();
    return toDocument(w);
  }

  /**
   * Store an IvoryOS workflow file as it is: every key it carries is kept. A uuid that already
   * belongs to another workflow is replaced, as two workflows must not share one.
   */
  async importDocument(raw: unknown, author: string, opts: { name?: string; overwrite?: boolean }, scope?: string): Promise<WorkflowDocument> {
    const { known, extra, errors } = normaliseImport(raw);
    if (opts.name !== undefined) known.name = opts.name;
    if (known.author === undefined || known.author === null || known.author === '') known.author = author;
    const dto = plainToInstance(WorkflowBodyDto, known);
    const problems = [...errors, ...flattenValidationErrors(await validate(dto, { whitelist: false, forbidUnknownValues: false }))];
    if (problems.length) throw new BadInput(`The workflow file is not valid: ${problems[0].message}`, problems);
    checkBodyDeck(scope, 'deck', dto.deck, true);

    const existing = await this.em.findOne(Workflow, { name: dto.name });
    // Names are unique across decks: one the key may not change is taken, whatever ?overwrite says.
    if (existing && workflowAccess(scope, existing.deck) !== 'write') throw new Conflict(`workflow '${dto.name}' already exists`, [{ path: 'name', message: 'already exists' }]);
    if (existing && !opts.overwrite) throw new Conflict(`workflow '${dto.name}' already exists; import with ?overwrite=true or another ?name=`, [{ path: 'name', message: 'already exists' }]);
    if (existing?.status === 'finalized') throw new Conflict(`workflow '${dto.name}' is finalized and cannot be overwritten`, [{ path: 'name', message: 'is finalized' }]);
    const w = existing ?? new Workflow();
    const uuid = typeof known.uuid === 'string' && known.uuid ? known.uuid : null;
    const clash = uuid ? await this.em.findOne(Workflow, { uuid, name: { $ne: dto.name } }) : null;
    w.uuid = !uuid || clash ? randomUUID() : uuid;
    w.author = String(known.author);
    w.createdAt = parseIvoryosTime(known.time_created) ?? w.createdAt;
    w.modifiedAt = new Date();
    w.extra = Object.keys(extra).length ? extra : null;
    // The file's own keys, not the DTO instance: actions keep keys we do not model.
    this.apply(w, { ...(known as unknown as WorkflowBodyDto), name: dto.name });
    if (!existing) this.em.persist(w);
    await this.em.flush();
    return toDocument(w);
  }

  /** Full replace: what the body leaves out takes its default. */
  private apply(w: Workflow, body: WorkflowBodyDto): void {
    w.name = body.name;
    w.deck = body.deck ?? null;
    w.description = body.description ?? '';
    w.registered = body.registered ?? false;
    w.status = body.status ?? 'editing';
    w.editingType = body.editing_type ?? 'script';
    const dict = plain<ScriptDict>(body.script_dict) ?? emptyScriptDict();
    w.scriptDict = dict;
    w.idOrder = repairIdOrder(dict, plain(body.id_order));
    w.returnValues = outputsOf(dict);
  }

  private async find(name: string, scope: string | undefined, need: 'read' | 'write'): Promise<Workflow> {
    const w = await this.em.findOne(Workflow, { name });
    const access = w ? workflowAccess(scope, w.deck) : 'none';
    if (!w || access === 'none') throw new NotFound('workflow', name);
    if (need === 'write' && access !== 'write') throw new AccessDenied(`This API key is limited to deck '${scope}'; workflow '${name}' belongs to no deck and is read-only to it`);
    return w;
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.em.count(Workflow, { name })) throw new Conflict(`workflow '${name}' already exists`, [{ path: 'name', message: 'already exists' }]);
  }
}

/** IvoryOS's `return_values`: what the script phase saves, as the engine reads it. */
function outputsOf(scriptDict: ScriptDict): string[] {
  return validateWorkflow({ script_dict: scriptDict }).outputs;
}

/** DTO instances back to plain JSON for JSON columns. */
function plain<T>(value: unknown): T | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
}

function toSummary(w: Workflow): WorkflowSummary {
  return {
    name: w.name, deck: w.deck, status: w.status, author: w.author, description: w.description, registered: w.registered,
    uuid: w.uuid, steps: w.scriptDict.prep.length + w.scriptDict.script.length + w.scriptDict.cleanup.length,
    time_created: formatIvoryosTime(w.createdAt), last_modified: formatIvoryosTime(w.modifiedAt),
  };
}
