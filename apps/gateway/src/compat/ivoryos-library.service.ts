import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { PHASE_KEYS, type FieldError, type JsonObject, type PhaseKey, type WorkflowAction, type WorkflowDocument } from '@ivoryos/contracts';
import { Workflow } from '@ivoryos/db';
import { PythonImportError, pythonToActions, renderWorkflow, validateWorkflow } from '@ivoryos/workflow';
import type { AuthActor } from '../common/actor';
import { BadInput } from '../common/domain-errors';
import { WORKFLOW_NAME_PATTERN, WORKFLOW_NAME_RULE } from '../workflows/dto/workflow-body.dto';
import { toDocument } from '../workflows/workflow-document';
import { visibleDecks, workflowAccess } from '../workflows/workflow-scope';
import { WorkflowsService } from '../workflows/workflows.service';
import { IvoryosDecks } from './ivoryos-decks';
import { IvoryosDraftsService } from './ivoryos-drafts.service';
import { sortKeys } from './ivoryos-format';

/** IvoryOS's library and draft routes, on our workflow store. */
@Injectable()
export class IvoryosLibraryService {
  constructor(
    private readonly em: EntityManager,
    private readonly workflows: WorkflowsService,
    private readonly drafts: IvoryosDraftsService,
    private readonly decks: IvoryosDecks,
  ) {}

  /** `GET /library/?keyword=`: every workflow the caller sees whose name holds the keyword, as IvoryOS lists `ALL` decks. */
  async list(keyword: string, actor: AuthActor): Promise<{ workflows: string[] }> {
    const where: Record<string, unknown> = {};
    if (keyword) where.name = { $ilike: `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    if (actor.deck) where.$and = [visibleDecks(actor.deck)];
    const rows = await this.em.find(Workflow, where, { fields: ['name'], orderBy: { modifiedAt: 'desc', name: 'asc' } });
    return { workflows: rows.map((w) => w.name) };
  }

  /** `GET /library/<name>`: the workflow, and (as IvoryOS does on this GET) it becomes the caller's loaded workflow. */
  async load(name: string, deck: string, actor: AuthActor): Promise<JsonObject> {
    const w = await this.em.findOne(Workflow, { name });
    if (!w || workflowAccess(actor.deck, w.deck) === 'none') return { success: false };
    const doc = toDocument(w);
    await this.drafts.load(actor, deck, doc, w.name);
    return sortKeys({ python_script: pythonScriptOf(doc), script: { ...doc, python_script: doc.python_script ?? null } }) as JsonObject;
  }

  /**
   * `POST /draft/submit_python`: each phase's Python becomes actions as IvoryOS's parser makes
   * them; the workflow is checked against the deck, saved under its name (replacing an earlier
   * save, as IvoryOS's publish does) and loaded. Nothing is saved when a phase cannot be read or
   * the workflow does not fit the deck.
   */
  async submitPython(body: unknown, deck: string, actor: AuthActor): Promise<JsonObject> {
    const src = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const name = src.workflow_name;
    if (typeof name !== 'string' || !name || name.length > 50) throw BadInput.field('workflow_name', 'must be 1 to 50 characters');
    if (!WORKFLOW_NAME_PATTERN.test(name)) throw BadInput.field('workflow_name', WORKFLOW_NAME_RULE);
    const schema = await this.decks.schema(deck);
    const scriptDict = { prep: [], script: [], cleanup: [] } as Record<PhaseKey, WorkflowAction[]>;
    const pythonScript: Record<string, string> = {};
    const errors: FieldError[] = [];
    for (const phase of PHASE_KEYS) {
      const text = src[phase];
      if (text === undefined || text === null) continue;
      if (typeof text !== 'string') {
        errors.push({ path: phase, message: 'must be Python source text' });
        continue;
      }
      pythonScript[phase] = text;
      try {
        scriptDict[phase] = pythonToActions(text, {
          params: (instrument, action) => schema.instruments[instrument]?.actions[action]?.params.map((p) => p.name),
          hasInstrument: (instrument) => Object.hasOwn(schema.instruments, instrument),
        });
      } catch (err) {
        if (!(err instanceof PythonImportError)) throw err;
        errors.push({ path: phase, message: err.message });
      }
    }
    if (errors.length) throw new BadInput(`The Python cannot be read: ${errors[0].path} ${errors[0].message}`, errors);
    const check = validateWorkflow({ script_dict: scriptDict }, schema);
    if (!check.valid) {
      const problems = check.errors.map((e) => ({ path: `${e.phase}${e.stepId !== null && e.stepId !== undefined ? `[${e.stepId}]` : ''}${e.field ? `.${e.field}` : ''}`, message: e.message }));
      throw new BadInput(`Workflow '${name}' does not fit deck '${deck}': ${problems[0].path} ${problems[0].message}`, problems);
    }
    const doc = await this.workflows.importDocument(
      { name, deck, status: 'editing', author: actor.name, script_dict: scriptDict, python_script: pythonScript },
      actor.name, { overwrite: true }, actor.deck,
    );
    await this.drafts.load(actor, deck, doc, name);
    return {
      db: { message: 'Script published successfully', success: true },
      script: Object.fromEntries(Object.keys(pythonScript).map((p) => [p, 'success'])),
    };
  }
}

/**
 * IvoryOS answers the workflow's Python per phase. A workflow sent as Python keeps its source;
 * others get our rendering of the whole workflow under `script` (this gateway writes no Python).
 */
function pythonScriptOf(doc: WorkflowDocument): JsonObject {
  if (doc.python_script && typeof doc.python_script === 'object') return doc.python_script as JsonObject;
  return { cleanup: '', prep: '', script: renderWorkflow(doc) };
}
