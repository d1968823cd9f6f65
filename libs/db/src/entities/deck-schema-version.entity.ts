import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { DeckSchema } from '@ivoryos/contracts';

/** Every distinct schema a deck has registered, so a changed interface can be traced and compared. */
@Entity({ tableName: 'deck_schema_version' })
@Index({ properties: ['deck', 'registeredAt'] })
export class DeckSchemaVersion {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64 })
  deck!: string;

  @Property({ type: 'string', length: 64 })
  hash!: string;

  @Property({ type: 'json' })
  schema!: DeckSchema;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  registeredAt: Date = new Date();
}
