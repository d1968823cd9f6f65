import { Migration } from '@mikro-orm/migrations';

export class Migration20261207221257 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "ivoryos_draft" ("owner_kind" varchar(8) not null, "owner_name" varchar(100) not null, "deck" varchar(64) not null, "workflow_name" varchar(50) null, "document" jsonb not null, "updated_at" timestamptz not null, constraint "ivoryos_draft_pkey" primary key ("owner_kind", "owner_name", "deck"));`);

    this.addSql(`alter table "single_step" add column "number" serial;`);
    // Rows already there are numbered by creation, so numbers ascend with it from the start.
    this.addSql(`update "single_step" t set "number" = s.n from (select "id", row_number() over (order by "created_at", "id") as n from "single_step") s where t."id" = s."id";`);
    this.addSql(`select setval(pg_get_serial_sequence('"single_step"', 'number'), coalesce((select max("number") from "single_step"), 0) + 1, false);`);
    this.addSql(`alter table "single_step" add constraint "single_step_number_unique" unique ("number");`);

    this.addSql(`alter table "workflow_run" add column "number" serial;`);
    // Rows already there are numbered by creation, so numbers ascend with it from the start.
    this.addSql(`update "workflow_run" t set "number" = s.n from (select "id", row_number() over (order by "created_at", "id") as n from "workflow_run") s where t."id" = s."id";`);
    this.addSql(`select setval(pg_get_serial_sequence('"workflow_run"', 'number'), coalesce((select max("number") from "workflow_run"), 0) + 1, false);`);
    this.addSql(`alter table "workflow_run" add constraint "workflow_run_number_unique" unique ("number");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ivoryos_draft" cascade;`);

    this.addSql(`alter table "single_step" drop constraint "single_step_number_unique";`);
    this.addSql(`alter table "single_step" drop column "number";`);

    this.addSql(`alter table "workflow_run" drop constraint "workflow_run_number_unique";`);
    this.addSql(`alter table "workflow_run" drop column "number";`);
  }

}
