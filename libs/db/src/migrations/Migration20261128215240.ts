import { Migration } from '@mikro-orm/migrations';

export class Migration20261128215240 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "run_id" uuid not null, "seq" int not null, "target" smallint not null, "url" text not null, "event" varchar(32) not null, "status" varchar(16) not null default 'pending', "attempts" smallint not null default 0, "last_status_code" smallint null, "last_error" text null, "created_at" timestamptz not null, "last_attempt_at" timestamptz null, "next_attempt_at" timestamptz null, constraint "webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_status_index" on "webhook_delivery" ("status");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_run_id_seq_target_unique" unique ("run_id", "seq", "target");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }

}
