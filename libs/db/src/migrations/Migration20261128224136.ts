import { Migration } from '@mikro-orm/migrations';

export class Migration20261128224136 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_entry" ("id" uuid not null, "at" timestamptz not null, "actor" varchar(100) not null, "actor_kind" varchar(8) null, "action" varchar(32) not null, "target" varchar(100) not null, "deck" varchar(64) null, "details" jsonb null, constraint "audit_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_entry_actor_index" on "audit_entry" ("actor");`);
    this.addSql(`create index "audit_entry_at_index" on "audit_entry" ("at");`);

    this.addSql(`create table "deck_credential" ("deck" varchar(64) not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "issued_by" varchar(100) not null, "issued_by_kind" varchar(8) null, "issued_at" timestamptz not null, constraint "deck_credential_pkey" primary key ("deck"));`);

    this.addSql(`alter table "run_command" add column "issued_by_kind" varchar(8) null;`);

    this.addSql(`alter table "single_step" add column "called_by_kind" varchar(8) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_entry" cascade;`);

    this.addSql(`drop table if exists "deck_credential" cascade;`);

    this.addSql(`alter table "run_command" drop column "issued_by_kind";`);

    this.addSql(`alter table "single_step" drop column "called_by_kind";`);
  }

}
