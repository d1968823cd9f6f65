import {
  PHASE_KEYS, type FieldError, type IdOrder, type JsonObject, type JsonValue, type ScriptDict, type WorkflowDocument,
} from '@ivoryos/contracts';
import type { Workflow } from '@ivoryos/db';

/** Top-level keys we map to columns; anything else in an IvoryOS file is kept in `extra`. */
export const DOCUMENT_KEYS = [
  'name', 'deck', 'status', 'script_dict', 'id_order', 'editing_type', 'author', 'description',
  'registered', 'return_values', 'uuid', 'time_created', 'last_modified',
] as const;

export function emptyScriptDict(): ScriptDict {
  return { prep: [], script: [], cleanup: [] };
}

/** IvoryOS writes naive local times as `YYYY-MM-DD HH:MM:SS`; we store UTC and write UTC. */
export function formatIvoryosTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function parseIvoryosTime(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, day, h, min, sec] = [+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0)];
  const d = new Date(Date.UTC(y, mo - 1, day, h, min, sec));
  // Date rolls 2024-13-45 over into 2025; such a text is not a time.
  const exact = d.getUTCMonth() === mo - 1 && d.getUTCDate() === day && d.getUTCHours() === h && d.getUTCMinutes() === min && d.getUTCSeconds() === sec;
  return exact ? d : undefined;
}

/**
 * `id_order` must list each action id of its phase once. IvoryOS resets a stale order to the
 * list order; so do we, keeping a valid order as it is.
 */
export function repairIdOrder(scriptDict: ScriptDict, idOrder: Partial<IdOrder> | undefined): IdOrder {
  const out = {} as IdOrder;
  for (const phase of PHASE_KEYS) {
    const ids = scriptDict[phase].map((a) => String(a.id));
    const given = (idOrder?.[phase] ?? []).map(String);
    const valid = given.length === ids.length && new Set(given).size === given.length && given.every((id) => ids.includes(id));
    out[phase] = valid ? given : ids;
  }
  return out;
}

/** The document as IvoryOS writes it, keys sorted like its JSON export. */
export function toDocument(w: Workflow): WorkflowDocument {
  const doc: WorkflowDocument = {
    ...(w.extra ?? {}),
    author: w.author,
    deck: w.deck,
    description: w.description,
    editing_type: w.editingType,
    id_order: w.idOrder,
    last_modified: formatIvoryosTime(w.modifiedAt),
    name: w.name,
    registered: w.registered,
    return_values: w.returnValues,
    script_dict: w.scriptDict,
    status: w.status,
    time_created: formatIvoryosTime(w.createdAt),
    uuid: w.uuid,
  };
  return sortKeys(doc) as WorkflowDocument;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(src).sort().map((k) => [k, sortKeys(src[k])]));
  }
  return value;
}

export interface NormalisedImport {
  /** Known keys, shaped for DTO validation. */
  known: Record<string, unknown>;
  /** Keys IvoryOS writes that we keep verbatim (python_script, newer keys). */
  extra: JsonObject;
  errors: FieldError[];
}

/**
 * Bring an IvoryOS file (any version) into the current shape before validation: a
 * `script_dict` stored as text is parsed, missing phases are empty, numeric ids in `id_order`
 * become text, a `null` return means no return.
 */
export function normaliseImport(raw: unknown): NormalisedImport {
  const errors: FieldError[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { known: {}, extra: {}, errors: [{ path: 'body', message: 'body must be a workflow JSON object' }] };
  }
  const src = raw as Record<string, unknown>;
  const known: Record<string, unknown> = {};
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(src)) {
    if ((DOCUMENT_KEYS as readonly string[]).includes(k)) known[k] = v;
    else extra[k] = v as JsonValue;
  }
  let dict = known.script_dict;
  if (typeof dict === 'string') {
    try {
      dict = JSON.parse(dict);
    } catch {
      errors.push({ path: 'script_dict', message: 'script_dict is text that is not valid JSON' });
      dict = undefined;
    }
  }
  if (dict === undefined || dict === null) dict = {};
  if (typeof dict === 'object' && !Array.isArray(dict)) {
    const phases = dict as Record<string, unknown>;
    const unknownPhases = Object.keys(phases).filter((p) => !(PHASE_KEYS as readonly string[]).includes(p));
    for (const p of unknownPhases) errors.push({ path: `script_dict.${p}`, message: `unknown phase '${p}'; phases are prep, script and cleanup` });
    known.script_dict = Object.fromEntries(PHASE_KEYS.map((p) => [p, normaliseActions(phases[p] ?? [])]));
  } else {
    errors.push({ path: 'script_dict', message: 'script_dict must be an object with prep, script and cleanup lists' });
  }
  if (known.id_order && typeof known.id_order === 'object' && !Array.isArray(known.id_order)) {
    const order = known.id_order as Record<string, unknown>;
    known.id_order = Object.fromEntries(
      PHASE_KEYS.map((p) => [p, Array.isArray(order[p]) ? (order[p] as unknown[]).map((x) => (typeof x === 'number' ? String(x) : x)) : []]),
    );
  }
  if (known.description === null) delete known.description;
  if (known.return_values === null) delete known.return_values;
  return { known, extra, errors };
}

function normaliseActions(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((a) => {
    if (!a || typeof a !== 'object' || Array.isArray(a)) return a;
    const action = { ...(a as Record<string, unknown>) };
    if (action.return === null) action.return = '';
    if (action.args === null || action.args === undefined) action.args = {};
    if (Array.isArray(action.workflow)) action.workflow = normaliseActions(action.workflow);
    return action;
  });
}
