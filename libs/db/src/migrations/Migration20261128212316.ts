import { Migration } from '@mikro-orm/migrations';

export class Migration20261128212316 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "deck_schema_version" ("id" bigserial primary key, "deck" varchar(64) not null, "hash" varchar(64) not null, "schema" jsonb not null, "registered_at" timestamptz not null);`);
    this.addSql(`create index "deck_schema_version_deck_registered_at_index" on "deck_schema_version" ("deck", "registered_at");`);

    this.addSql(`alter table "deck" add column "offline_at" timestamptz null, add column "activity" varchar(8) not null default 'idle';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "deck_schema_version" cascade;`);

    this.addSql(`alter table "deck" drop column "offline_at", drop column "activity";`);
  }

}
