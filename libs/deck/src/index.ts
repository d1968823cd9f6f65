/**
 * What deck modules import from IvoryOS-TS.
 *
 * `int` marks an integer parameter (`analyze(n: int)`). TypeScript erases the alias to
 * `number`, so introspection reads the annotation text to tell `int` from `float`.
 */
export type int = number;

export { run, DECK_AGENT_MARKER, type DeckRunOptions } from './run';
