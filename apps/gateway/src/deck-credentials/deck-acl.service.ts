import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DECK_NAME_PATTERN, deckRedisUser } from '@ivoryos/contracts';
import { Unavailable } from '../common/domain-errors';
import { REDIS } from '../redis/redis.module';
import { deckAclRules } from './deck-acl';

/** The Redis side of deck credentials: one ACL user per deck, written with the gateway's own connection. */
@Injectable()
export class DeckAcl {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Creates or resets the deck's user; connections already signed in keep working (same token). */
  async apply(deck: string, tokenHash: string): Promise<void> {
    await this.command(['SETUSER', ...deckAclRules(deck, tokenHash)]);
  }

  /**
   * A replaced token: the user gets the new hash, and connections signed in with the old token
   * are closed (Redis keeps them authenticated otherwise), so the old token stops working now.
   */
  async replace(deck: string, tokenHash: string): Promise<void> {
    await this.apply(deck, tokenHash);
    await this.killClients(deck);
  }

  /** A revoked token: the user is deleted, which also closes its connections. */
  async remove(deck: string): Promise<void> {
    await this.command(['DELUSER', deckRedisUser(deck)]);
    await this.killClients(deck);
  }

  /** The user's password hashes, or null when Redis has no such user. */
  async passwords(deck: string): Promise<string[] | null> {
    let info: unknown;
    try {
      info = await this.redis.call('ACL', 'GETUSER', deckRedisUser(deck));
    } catch (err) {
      throw unavailable(err);
    }
    if (!Array.isArray(info)) return null;
    const hashes: unknown = info[info.indexOf('passwords') + 1];
    return Array.isArray(hashes) ? hashes.map(String) : [];
  }

  /** Decks that have a user in Redis (names a deck user could have been created for). */
  async decksWithUsers(): Promise<string[]> {
    let users: unknown;
    try {
      users = await this.redis.call('ACL', 'USERS');
    } catch (err) {
      throw unavailable(err);
    }
    const prefix = deckRedisUser('');
    return (users as string[])
      .filter((u) => u.startsWith(prefix))
      .map((u) => u.slice(prefix.length))
      .filter((d) => DECK_NAME_PATTERN.test(d));
  }

  private async killClients(deck: string): Promise<void> {
    try {
      await this.redis.call('CLIENT', 'KILL', 'USER', deckRedisUser(deck));
    } catch (err) {
      // "No such user" (never connected, already deleted) is what we want anyway.
      if (!/no such user/i.test(errorMessage(err))) throw unavailable(err);
    }
  }

  private async command(args: string[]): Promise<void> {
    try {
      await this.redis.call('ACL', ...args);
    } catch (err) {
      throw unavailable(err);
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function unavailable(err: unknown): Unavailable {
  const message = errorMessage(err);
  return new Unavailable(
    /NOPERM/.test(message)
      ? `Redis refused to manage deck users (${message}); the gateway's Redis user needs the ACL and CLIENT commands`
      : `Redis is unavailable; deck credentials cannot be changed now (${message})`,
  );
}
