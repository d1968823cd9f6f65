import { Migration } from '@mikro-orm/migrations';

export class Migration20261128210101 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "deck" ("name" varchar(64) not null, "schema" jsonb null, "schema_hash" varchar(64) null, "agent" jsonb null, "last_seen_at" timestamptz null, "queue_paused" boolean not null default false, "created_at" timestamptz not null, constraint "deck_pkey" primary key ("name"));`);

    this.addSql(`create table "single_step" ("id" uuid not null, "deck" varchar(64) not null, "instrument" varchar(128) not null, "method_name" varchar(128) not null, "kwargs" jsonb not null, "output" jsonb null, "status" varchar(16) not null default 'pending', "error" text null, "called_by" varchar(100) null, "idempotency_key" varchar(200) null, "created_at" timestamptz not null, "started_at" timestamptz null, "ended_at" timestamptz null, constraint "single_step_pkey" primary key ("id"));`);
    this.addSql(`create index "single_step_called_by_index" on "single_step" ("called_by");`);
    this.addSql(`alter table "single_step" add constraint "single_step_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "single_step_deck_instrument_index" on "single_step" ("deck", "instrument");`);

    this.addSql(`create table "workflow" ("id" uuid not null, "name" varchar(50) not null, "deck" varchar(50) null, "status" varchar(16) not null default 'editing', "script_dict" jsonb not null, "id_order" jsonb not null, "editing_type" varchar(16) not null default 'script', "author" varchar(50) not null, "description" varchar(255) not null default '', "registered" boolean not null default false, "return_values" jsonb not null, "uuid" varchar(36) null, "extra" jsonb null, "created_at" timestamptz not null, "modified_at" timestamptz not null, constraint "workflow_pkey" primary key ("id"));`);
    this.addSql(`alter table "workflow" add constraint "workflow_name_unique" unique ("name");`);
    this.addSql(`create index "workflow_deck_index" on "workflow" ("deck");`);
    this.addSql(`create index "workflow_author_index" on "workflow" ("author");`);
    this.addSql(`alter table "workflow" add constraint "workflow_uuid_unique" unique ("uuid");`);

    this.addSql(`create table "workflow_run" ("id" uuid not null, "name" varchar(128) not null, "deck" varchar(64) not null, "workflow_name" varchar(50) null, "workflow_snapshot" jsonb not null, "mode" varchar(16) not null default 'repeat', "status" varchar(16) not null default 'queued', "waiting" jsonb null, "error" text null, "repeat" int not null default 1, "parameters" jsonb null, "batch_size" int not null default 1, "on_error" varchar(8) not null default 'wait', "position" double precision null, "checkpoint" jsonb null, "last_seq" int not null default 0, "started_by" varchar(100) null, "started_by_kind" varchar(8) null, "external_id" varchar(128) null, "metadata" jsonb null, "notify" jsonb null, "idempotency_key" varchar(200) null, "created_at" timestamptz not null, "started_at" timestamptz null, "ended_at" timestamptz null, constraint "workflow_run_pkey" primary key ("id"));`);
    this.addSql(`create index "workflow_run_name_index" on "workflow_run" ("name");`);
    this.addSql(`create index "workflow_run_workflow_name_index" on "workflow_run" ("workflow_name");`);
    this.addSql(`create index "workflow_run_started_by_index" on "workflow_run" ("started_by");`);
    this.addSql(`create index "workflow_run_external_id_index" on "workflow_run" ("external_id");`);
    this.addSql(`alter table "workflow_run" add constraint "workflow_run_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "workflow_run_created_at_index" on "workflow_run" ("created_at");`);
    this.addSql(`create index "workflow_run_started_at_index" on "workflow_run" ("started_at");`);
    this.addSql(`create index "workflow_run_deck_status_index" on "workflow_run" ("deck", "status");`);

    this.addSql(`create table "workflow_phase" ("id" bigserial primary key, "run_id" uuid not null, "name" varchar(16) not null, "repeat_index" int not null default 1, "parameters" jsonb null, "outputs" jsonb null, "started_at" timestamptz null, "ended_at" timestamptz null);`);
    this.addSql(`create index "workflow_phase_run_id_name_repeat_index_index" on "workflow_phase" ("run_id", "name", "repeat_index");`);

    this.addSql(`create table "workflow_step" ("id" bigserial primary key, "phase_id" bigint not null, "run_id" uuid not null, "step_index" int not null, "sample" int not null default 0, "instrument" varchar(128) not null, "method_name" varchar(128) not null, "args" jsonb not null, "output" jsonb null, "context" jsonb null, "status" varchar(16) not null default 'running', "error" text null, "attempt" int not null default 1, "seq" int null, "started_at" timestamptz null, "ended_at" timestamptz null);`);
    this.addSql(`create index "workflow_step_run_id_id_index" on "workflow_step" ("run_id", "id");`);

    this.addSql(`alter table "workflow_phase" add constraint "workflow_phase_run_id_foreign" foreign key ("run_id") references "workflow_run" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "workflow_step" add constraint "workflow_step_phase_id_foreign" foreign key ("phase_id") references "workflow_phase" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "workflow_phase" drop constraint "workflow_phase_run_id_foreign";`);

    this.addSql(`alter table "workflow_step" drop constraint "workflow_step_phase_id_foreign";`);

    this.addSql(`drop table if exists "deck" cascade;`);

    this.addSql(`drop table if exists "single_step" cascade;`);

    this.addSql(`drop table if exists "workflow" cascade;`);

    this.addSql(`drop table if exists "workflow_run" cascade;`);

    this.addSql(`drop table if exists "workflow_phase" cascade;`);

    this.addSql(`drop table if exists "workflow_step" cascade;`);
  }

}
