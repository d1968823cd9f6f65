import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A signed-out (or already used refresh) token, by its `jti`, until it would have expired anyway;
 * the per-request user lookup checks it in the same query.
 */
@Entity({ tableName: 'revoked_token' })
export class RevokedToken {
  [OptionalProps]?: 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  jti!: string;

  /** When the token expires: the row is of no use after that and is deleted. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Index()
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  revokedAt: Date = new Date();
}
