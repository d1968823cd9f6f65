import { createHash } from 'node:crypto';
import type { ActionSchema, DeckSchema, InstrumentSchema, JsonValue, ParamSchema } from '@ivoryos/contracts';

/** A schema, or the part of one that identifies its interface (the rest is ignored). */
type HashedSchema = Pick<DeckSchema, 'schemaVersion' | 'deck' | 'instruments'> & Partial<DeckSchema>;

/**
 * sha256 (hex) of the schema's canonical JSON, leaving out display-only text (`doc`), the
 * source path, the skip list and the hash itself. Equal interfaces give equal hashes.
 */
export function hashDeckSchema(schema: HashedSchema): string {
  const hashed = {
    schemaVersion: schema.schemaVersion,
    deck: schema.deck,
    instruments: mapValues(schema.instruments, withoutInstrumentDocs),
  };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/** JSON with object keys sorted at every level and `undefined` members dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): JsonValue | undefined {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value).sort()) {
      const item = sortKeys((value as Record<string, unknown>)[key]);
      if (item !== undefined) out[key] = item;
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return undefined;
}

// Docs are removed structurally, not by key name: a default value may itself hold a `doc` key.
function withoutInstrumentDocs({ doc: _doc, ...instrument }: InstrumentSchema): Omit<InstrumentSchema, 'doc'> {
  return { ...instrument, actions: mapValues(instrument.actions, withoutActionDocs) };
}

function withoutActionDocs({ doc: _doc, ...action }: ActionSchema): Omit<ActionSchema, 'doc'> {
  return { ...action, params: action.params.map(withoutParamDoc) };
}

function withoutParamDoc({ doc: _doc, ...param }: ParamSchema): Omit<ParamSchema, 'doc'> {
  return param;
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
