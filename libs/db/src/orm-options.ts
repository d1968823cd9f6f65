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
  /** Longest wait for a new connection (or a free one from the pool) before the query fails. */
  connectTimeoutMs?: number;
  /** Longest a single query may take, answered or not; 0 for none (migrations). */
  queryTimeoutMs?: number;
}

/**
 * Without these a database behind a dropped route (packets black-holed, not refused) holds every
 * request until the kernel gives up on TCP, which takes minutes; with them the request fails in
 * seconds and is answered 503.
 */
export const DB_CONNECT_TIMEOUT_MS = 5_000;
export const DB_QUERY_TIMEOUT_MS = 30_000;

/** MikroORM options shared by the gateway, the migration CLI and the tests. */
export function ormOptions(input: OrmOptionsInput): Options {
  const connectTimeout = input.connectTimeoutMs ?? DB_CONNECT_TIMEOUT_MS;
  const queryTimeout = input.queryTimeoutMs ?? DB_QUERY_TIMEOUT_MS;
  return defineConfig({
    clientUrl: input.clientUrl,
    entities,
    debug: input.debug ?? false,
    pool: { min: 0, max: input.poolMax ?? 10, acquireTimeoutMillis: connectTimeout },
    driverOptions: {
      acquireConnectionTimeout: connectTimeout,
      connection: {
        connectionTimeoutMillis: connectTimeout,
        // Client side: also covers a server that stops answering mid-query.
        ...(queryTimeout > 0 ? { query_timeout: queryTimeout, statement_timeout: queryTimeout } : {}),
        keepAlive: true,
      },
    },
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
