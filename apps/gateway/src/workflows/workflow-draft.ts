import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { ScriptDict, WorkflowDocument } from '@ivoryos/contracts';
import { BadInput } from '../common/domain-errors';
import { joinPath } from '../common/field-path';
import { flattenValidationErrors } from '../common/validation';
import { WorkflowDraftDto } from './dto/workflow-check.dto';
import { normaliseImport } from './workflow-document';

/** What validation and rendering need of a workflow. */
export type Checkable = Pick<WorkflowDocument, 'script_dict'> & Partial<Pick<WorkflowDocument, 'name' | 'deck'>>;

/**
 * An editor's unsaved document, read as an import reads a file (every IvoryOS version and key;
 * keys we do not model are ignored), with problems named under `path` (`workflow.script_dict...`).
 */
export async function parseDraft(raw: unknown, path = 'workflow'): Promise<Checkable> {
  const { known, errors } = normaliseImport(raw);
  // Server-owned keys are ignored here; IvoryOS writes an unknown author as null or ''.
  if (known.author === null || known.author === '') delete known.author;
  const dto = plainToInstance(WorkflowDraftDto, known);
  const problems = [
    ...errors.map((e) => ({ path: e.path === 'body' ? path : joinPath(path, e.path), message: e.message })),
    ...flattenValidationErrors(await validate(dto, { whitelist: false, forbidUnknownValues: false }), path),
  ];
  if (problems.length) {
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    throw new BadInput(`${problems.slice(0, 3).map((p) => p.message).join('; ')}${more}`, problems);
  }
  // The normalised plain values, not the DTO instance: actions keep keys we do not model.
  return {
    name: typeof known.name === 'string' ? known.name : undefined,
    deck: typeof known.deck === 'string' ? known.deck : null,
    script_dict: known.script_dict as ScriptDict,
  };
}
