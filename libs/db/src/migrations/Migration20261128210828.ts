import { Migration } from '@mikro-orm/migrations';

export class Migration20261128210828 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("id" uuid not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "key_hash" varchar(64) not null, "role" varchar(16) not null, "deck" varchar(64) null, "created_by" varchar(100) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`create index "api_key_prefix_index" on "api_key" ("prefix");`);
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "username" varchar(50) not null, "password_hash" text not null, "role" varchar(16) not null default 'viewer', "disabled" boolean not null default false, "token_version" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_username_unique" unique ("username");`);

    this.addSql(`alter table "workflow" alter column "author" type varchar(100) using ("author"::varchar(100));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`alter table "workflow" alter column "author" type varchar(50) using ("author"::varchar(50));`);
  }

}
