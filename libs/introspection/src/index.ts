export { introspectDeck, type IntrospectDeckOptions } from './introspect-deck';
export { hashDeckSchema, canonicalJson } from './schema-hash';
