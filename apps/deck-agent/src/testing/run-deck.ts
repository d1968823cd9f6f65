/**
 * A deck that starts its own agent when executed directly (`npx tsx run-deck.ts`,
 * `node dist/.../run-deck.js`); the integration tests run it both ways and through the CLI.
 */
import { run } from '@ivoryos/deck';

export class Counter {
  private count = 0;

  /** Add to the count and return it. */
  increment(by = 1): number {
    this.count += by;
    return this.count;
  }
}

export const counter = new Counter();

run(__filename);
