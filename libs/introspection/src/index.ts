import type { DeckSchema } from '@ivoryos/contracts';
import type { IntrospectDeckOptions } from './introspect-deck';

export type { IntrospectDeckOptions } from './introspect-deck';
export { hashDeckSchema, canonicalJson } from './schema-hash';
export { introspectorFingerprint } from './fingerprint';
export { describeRuntime, type RuntimeShape, type RuntimeInstrument, type RuntimeMember } from './runtime-members';

/*
 * The type checker (ts-morph and the TypeScript compiler, about 100 MB of heap) loads only when a
 * deck is really introspected: a process that needs only the runtime shape or a schema's hash
 * (a deck agent with a cached schema, a Python deck) never holds it.
 */
type IntrospectModule = typeof import('./introspect-deck');
const checker = (): IntrospectModule => require('./introspect-deck') as IntrospectModule;

/** The deck's interface, typed from its source: see `introspect-deck.ts`. */
export function introspectDeck(options: IntrospectDeckOptions): DeckSchema {
  return checker().introspectDeck(options);
}

/** The schema and every file the type checker read to make it. */
export function introspectDeckSources(options: IntrospectDeckOptions): { schema: DeckSchema; sources: string[] } {
  return checker().introspectDeckSources(options);
}
