import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import { entities } from './entities';
import { migrationsList } from './migrations';

export interface OrmOptionsInput {
  clientUrl: string;
  debug?: boolean;
  /** Pool size per process; keep small, PostgreSQL connections are not free. */
  poolMax?: number;
}

/** MikroORM options shared by the gateway, the migration CLI and the tests. */
export function ormOptions(input: OrmOptionsInput): Options {
  return defineConfig({
    clientUrl: input.clientUrl,
    entities,
    debug: input.debug ?? false,
    pool: { min: 0, max: input.poolMax ?? 10 },
    extensions: [Migrator],
    // Entities declare every column type, so no reflection of TypeScript metadata is needed.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: {
      tableName: 'mikro_orm_migrations',
      // Listed statically so compiled and test builds see the same set; `create` writes here.
      migrationsList,
      path: join(__dirname, 'migrations'),
      pathTs: join(__dirname, 'migrations'),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
  });
}
