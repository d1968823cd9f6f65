import { AccessDenied } from '../auth/auth-errors';

/** What the caller may do with one workflow: change it, only read it, or not know it exists. */
export type WorkflowAccess = 'write' | 'read' | 'none';

/**
 * `scope`: the deck an API key is limited to (undefined: no limit). Its own deck's workflows are
 * its to change; deck-less ones are shared templates it may read (and run on its deck) but not
 * change; other decks' workflows are hidden, as if absent.
 */
export function workflowAccess(scope: string | undefined, deck: string | null): WorkflowAccess {
  if (!scope || deck === scope) return 'write';
  return deck === null ? 'read' : 'none';
}

/** The deck condition a scoped listing adds: its own deck and the deck-less templates. */
export function visibleDecks(scope: string): { $or: [{ deck: string }, { deck: null }] } {
  return { $or: [{ deck: scope }, { deck: null }] };
}

/**
 * 403 naming `path` when a scoped key's body names a deck other than its own. `required`: the body
 * decides the workflow's deck, so leaving it out (a deck-less workflow) is not its own deck either.
 */
export function checkBodyDeck(scope: string | undefined, path: string, deck: string | null | undefined, required: boolean): void {
  if (!scope || deck === scope) return;
  if (!required && !deck) return;
  throw AccessDenied.deck(path, scope, deck);
}
