import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase, migrateUp, withDatabase } from '@ivoryos/db';

/** Server the integration tests use; CI and the README's machine run PostgreSQL here. */
export const TEST_PG_URL = process.env.IVORYOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.IVORYOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Migrated once per test run; each test file copies it, which is much faster than migrating.
 * Named per run (global setup sets the variable before jest starts its workers), so two test runs
 * on one server never drop each other's template.
 */
export function templateDb(): string {
  return process.env.IVORYOS_TEST_TEMPLATE ?? 'ivoryos_test_template';
}

export async function prepareTemplateDatabase(): Promise<void> {
  process.env.IVORYOS_TEST_TEMPLATE ??= `ivoryos_tpl_${process.pid}`;
  const url = withDatabase(TEST_PG_URL, templateDb());
  await createDatabase(url, { dropFirst: true });
  await migrateUp(url);
}

export async function dropTemplateDatabase(): Promise<void> {
  await dropDatabase(withDatabase(TEST_PG_URL, templateDb()));
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = withDatabase(TEST_PG_URL, `ivoryos_test_${randomBytes(5).toString('hex')}`);
  await createDatabase(url, { template: templateDb() });
  return { url, drop: () => dropDatabase(url) };
}

/**
 * A Redis database of its own for this jest worker (files in one worker run one after another),
 * emptied first: gateways and agents of one test file never see another file's streams or queues.
 */
export async function isolatedRedisUrl(): Promise<string> {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  const url = new URL(TEST_REDIS_URL);
  url.pathname = `/${8 + (worker % 8)}`;
  const { default: IORedis } = await import('ioredis');
  const client = new IORedis(url.toString(), { maxRetriesPerRequest: 1 });
  try {
    await client.flushdb();
  } finally {
    client.disconnect();
  }
  return url.toString();
}
