import { Migration } from '@mikro-orm/migrations';

export class Migration20261208014500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "workflow_run" add column "trace_context" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "workflow_run" drop column "trace_context";`);
  }

}
