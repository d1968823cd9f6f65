import { Migration } from '@mikro-orm/migrations';

export class Migration20261208012000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "workflow_run" add column "optimizer" jsonb null;`);

    this.addSql(`alter table "workflow_phase" add column "meta" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "workflow_run" drop column "optimizer";`);

    this.addSql(`alter table "workflow_phase" drop column "meta";`);
  }

}
