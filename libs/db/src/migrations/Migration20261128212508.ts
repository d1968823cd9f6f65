import { Migration } from '@mikro-orm/migrations';

export class Migration20261128212508 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "run_command" ("id" uuid not null, "run_id" uuid not null, "deck" varchar(64) not null, "type" varchar(16) not null, "prompt_id" varchar(64) null, "payload" jsonb null, "issued_by" varchar(100) not null, "issued_at" timestamptz not null, "sent_at" timestamptz null, "answered_at" timestamptz null, "outcome" varchar(16) null, "reason" text null, constraint "run_command_pkey" primary key ("id"));`);
    this.addSql(`create index "run_command_answered_at_index" on "run_command" ("answered_at");`);
    this.addSql(`create index "run_command_run_id_issued_at_index" on "run_command" ("run_id", "issued_at");`);

    this.addSql(`create table "run_event" ("run_id" uuid not null, "seq" int not null, "type" varchar(32) not null, "payload" jsonb null, "at" timestamptz not null, constraint "run_event_pkey" primary key ("run_id", "seq"));`);
    this.addSql(`create index "run_event_run_id_type_index" on "run_event" ("run_id", "type");`);

    this.addSql(`alter table "workflow_run" add column "dispatched_at" timestamptz null, add column "progress" jsonb null;`);

    this.addSql(`create index "workflow_step_phase_id_step_index_sample_attempt_index" on "workflow_step" ("phase_id", "step_index", "sample", "attempt");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "run_command" cascade;`);

    this.addSql(`drop table if exists "run_event" cascade;`);

    this.addSql(`alter table "workflow_run" drop column "dispatched_at", drop column "progress";`);

    this.addSql(`drop index "workflow_step_phase_id_step_index_sample_attempt_index";`);
  }

}
