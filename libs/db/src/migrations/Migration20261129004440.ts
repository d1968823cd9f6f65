import { Migration } from '@mikro-orm/migrations';

export class Migration20261129004440 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "revoked_token" ("jti" uuid not null, "expires_at" timestamptz not null, "revoked_at" timestamptz not null, constraint "revoked_token_pkey" primary key ("jti"));`);
    this.addSql(`create index "revoked_token_expires_at_index" on "revoked_token" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "revoked_token" cascade;`);
  }

}
