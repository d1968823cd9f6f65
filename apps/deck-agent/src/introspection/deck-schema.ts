import { fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DeckSchema } from '@ivoryos/contracts';
import { describeRuntime, hashDeckSchema, introspectDeckSources, introspectorFingerprint } from '@ivoryos/introspection';
import type { IntrospectAnswer, IntrospectRequest } from './introspect-child';
import { cacheKey, SchemaCache } from './schema-cache';

export interface DeckSchemaOptions {
  deckName: string;
  file: string;
  /** The loaded deck module's exports. */
  exports: object;
  cacheDir: string;
  log: (message: string) => void;
}

/**
 * The deck's schema. Typing a deck from its source takes the TypeScript compiler seconds and
 * about 100 MB, so the result is kept in `cacheDir`, keyed by the introspector's code, the deck
 * and its runtime shape, and valid while every file the compiler read is unchanged. On a miss
 * the compiler runs in a short-lived child process (when this agent runs compiled), so the
 * agent's own heap never holds it.
 */
export async function deckSchema(options: DeckSchemaOptions): Promise<DeckSchema> {
  const file = resolve(options.file);
  const runtime = describeRuntime(options.exports);
  // Made under a stand-in name, so every deck served by the same module shares one entry.
  const key = cacheKey({ introspector: introspectorFingerprint(), file, runtime });
  const cache = new SchemaCache(options.cacheDir);
  const cached = cache.read(key);
  if ('schema' in cached) {
    for (const message of cached.logs) options.log(message);
    const schema = forDeck(cached.schema, options.deckName);
    options.log(`deck schema ${schema.hash.slice(0, 12)} from the cache (${options.cacheDir}): its sources are unchanged`);
    return schema;
  }
  const began = performance.now();
  // Agents of one deck module started together in one process (a deck host) share one introspection.
  let making = inFlight.get(key);
  if (!making) {
    making = introspect({ deckName: STAND_IN, file, runtime }).finally(() => inFlight.delete(key));
    inFlight.set(key, making);
  }
  const made = await making;
  for (const message of made.logs) options.log(message);
  options.log(`deck introspected in ${Math.round(performance.now() - began)} ms (${cached.miss})`);
  try {
    cache.write(key, made);
  } catch (err) {
    options.log(`the schema could not be cached in ${options.cacheDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return forDeck(made.schema, options.deckName);
}

/** Never a deck name (those are letters, digits, `_` and `-`), so it cannot clash with one. */
const STAND_IN = '<deck>';

/** The deck name appears as the schema's `deck` and in `Enum:<deck>.<Name>` types; the hash covers both. */
function forDeck(schema: DeckSchema, deck: string): DeckSchema {
  const rename = (value: unknown): unknown => {
    if (typeof value === 'string') return value.startsWith(`Enum:${STAND_IN}.`) ? `Enum:${deck}.${value.slice(STAND_IN.length + 6)}` : value;
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
    return value;
  };
  const instruments = rename(schema.instruments) as DeckSchema['instruments'];
  const body = { schemaVersion: schema.schemaVersion, deck, instruments };
  return { ...schema, ...body, hash: hashDeckSchema(body) };
}

type Made = Extract<IntrospectAnswer, { ok: true }>;

const inFlight = new Map<string, Promise<Made>>();

// Compiled, the child is plain JS; run as TypeScript source (tests, tsx) no loader could start it.
const CHILD = __filename.endsWith('.js') ? join(__dirname, 'introspect-child.js') : undefined;

function introspect(request: IntrospectRequest): Promise<Made> {
  if (!CHILD) {
    const logs: string[] = [];
    return Promise.resolve({ ok: true, ...introspectDeckSources({ ...request, log: (message) => logs.push(message) }), logs });
  }
  return new Promise((resolvePromise, reject) => {
    // An inspector flag would make the child fight the agent for its debugging port.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
    const child = fork(CHILD, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: IntrospectAnswer | undefined;
    child.once('message', (message) => (answer = message as IntrospectAnswer));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (answer?.ok) resolvePromise(answer);
      else reject(new Error(answer ? answer.error : `the introspection process ended (${signal ?? `code ${code}`}) without a schema`));
    });
    child.send(request);
  });
}
