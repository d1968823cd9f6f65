import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from './orm-options';

/** Apply every pending migration. Returns the names applied. */
export async function migrateUp(clientUrl: string): Promise<string[]> {
  // A migration may rewrite a big table: no per-query limit.
  const orm = await MikroORM.init({ ...ormOptions({ clientUrl, poolMax: 2, queryTimeoutMs: 0 }) });
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

/** Names of the migrations not yet applied to the database. */
export async function pendingMigrations(clientUrl: string): Promise<string[]> {
  const orm = await MikroORM.init({ ...ormOptions({ clientUrl, poolMax: 1 }) });
  try {
    return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

/** True when the entities describe a schema the migrations do not produce (run against a migrated database). */
export async function schemaDrift(clientUrl: string): Promise<{ drift: boolean; diff: string[] }> {
  const orm = await MikroORM.init({ ...ormOptions({ clientUrl, poolMax: 2 }) });
  try {
    const sql = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false });
    const diff = sql.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--'));
    return { drift: diff.length > 0, diff };
  } finally {
    await orm.close(true);
  }
}
