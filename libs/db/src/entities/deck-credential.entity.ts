import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The current credential of a deck's agent. Only the SHA-256 of the token is kept: Redis ACL
 * accepts `#<sha256 hex>` passwords, so the gateway can recreate the deck's Redis user from this
 * row (after a Redis restart) without ever knowing the token. One row per deck; issuing a new
 * token replaces the hash, revoking deletes the row.
 */
@Entity({ tableName: 'deck_credential' })
export class DeckCredential {
  [OptionalProps]?: 'issuedAt' | 'issuedByKind';

  @PrimaryKey({ type: 'string', length: 64 })
  deck!: string;

  /** Hex SHA-256 of the token; the token has 256 random bits, so no salt or slow hash is needed. */
  @Property({ type: 'string', length: 64, hidden: true })
  tokenHash!: string;

  /** The token's first characters, to recognise it. */
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  /** User or API key name of the admin who issued it (`system` for the development provisioning). */
  @Property({ type: 'string', length: 100 })
  issuedBy!: string;

  @Property({ type: 'string', length: 8, nullable: true })
  issuedByKind: 'user' | 'key' | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  issuedAt: Date = new Date();
}
