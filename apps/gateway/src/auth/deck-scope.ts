/** The parts of a request that name a deck. */
export interface DeckCarrier {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
}

/**
 * A deck named by the route param `deck` or the query `deck` that is not `scope`; undefined when
 * the request stays within it (or names no deck). Bodies are not read: instrument arguments are
 * free-form, and a method may well have a parameter called `deck`.
 */
export function foreignDeck(scope: string, req: DeckCarrier): string | undefined {
  const named = [req.params?.deck, req.query?.deck].flat();
  for (const deck of named) {
    if (deck === undefined || deck === null) continue;
    if (deck !== scope) return String(deck);
  }
  return undefined;
}
