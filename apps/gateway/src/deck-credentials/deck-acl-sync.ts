import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DeckCredential } from '@ivoryos/db';
import { DeckAcl } from './deck-acl.service';

/** First key of the locks below (ASCII 'deck'), so they cannot collide with other advisory locks. */
const LOCK_SPACE = 0x6465636b;

/**
 * Holds the deck's credential lock until the transaction ends. Whatever changes a deck's row or
 * writes its Redis user takes it first, so a Redis write always follows the row as the last
 * writer committed it. An advisory lock rather than FOR UPDATE: it also covers a deck without a row.
 */
export async function lockDeck(tx: EntityManager, deck: string): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK_SPACE, deck]);
}

/** Makes a deck's Redis user what PostgreSQL says, from the row as it is now (never from an earlier read). */
@Injectable()
export class DeckAclSync {
  constructor(
    private readonly em: EntityManager,
    private readonly acl: DeckAcl,
  ) {}

  /**
   * No row: no user. A different hash in Redis (a stale write, a token replaced while Redis was
   * away) is replaced, which closes connections signed in with it; the same hash is re-applied.
   */
  async sync(deck: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      await lockDeck(tx, deck);
      const row = await tx.findOne(DeckCredential, { deck });
      if (!row) return this.acl.remove(deck);
      const current = await this.acl.passwords(deck);
      const same = current === null || (current.length === 1 && current[0] === row.tokenHash);
      await (same ? this.acl.apply(deck, row.tokenHash) : this.acl.replace(deck, row.tokenHash));
    });
  }
}
