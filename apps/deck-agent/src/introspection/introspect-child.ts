/*
 * The child process that runs the type checker for the agent (see deck-schema.ts): it reads the
 * deck's source, never loads the deck module, answers once and exits, so the agent's heap never
 * holds the TypeScript compiler.
 */
import { introspectDeckSources, type IntrospectDeckOptions } from '@ivoryos/introspection';

export type IntrospectRequest = Required<Pick<IntrospectDeckOptions, 'deckName' | 'file' | 'runtime'>>;
export type IntrospectAnswer =
  | { ok: true; schema: ReturnType<typeof introspectDeckSources>['schema']; sources: string[]; logs: string[] }
  | { ok: false; error: string };

process.once('message', (request: IntrospectRequest) => {
  const logs: string[] = [];
  let answer: IntrospectAnswer;
  try {
    const { schema, sources } = introspectDeckSources({ ...request, log: (message) => logs.push(message) });
    answer = { ok: true, schema, sources, logs };
  } catch (err) {
    answer = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  process.send?.(answer, () => process.disconnect());
});
