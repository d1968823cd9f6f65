import { fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DeckSchema } from '@ivoryos/contracts';
import { describeRuntime, introspectDeckSources, introspectorFingerprint } from '@ivoryos/introspection';
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
  const key = cacheKey({ introspector: introspectorFingerprint(), deck: options.deckName, file, runtime });
  const cache = new SchemaCache(options.cacheDir);
  const cached = cache.read(key);
  if ('schema' in cached) {
    for (const message of cached.logs) options.log(message);
    options.log(`deck schema ${cached.schema.hash.slice(0, 12)} from the cache (${options.cacheDir}): its sources are unchanged`);
    return cached.schema;
  }
  const began = performance.now();
  const made = await introspect({ deckName: options.deckName, file, runtime });
  for (const message of made.logs) options.log(message);
  options.log(`deck introspected in ${Math.round(performance.now() - began)} ms (${cached.miss})`);
  try {
    cache.write(key, made);
  } catch (err) {
    options.log(`the schema could not be cached in ${options.cacheDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return made.schema;
}

type Made = Extract<IntrospectAnswer, { ok: true }>;

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
