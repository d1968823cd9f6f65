import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createDatabase, dropDatabase, migrateUp, pendingMigrations, withDatabase } from '@ivoryos/db';
import { TEST_PG_URL } from './database';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'libs', 'db', 'src', 'cli', 'migrate.js');

function migrateCli(args: string[], url: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  delete env.IVORYOS_DB_URI;
  return spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
}

describe('pending migrations (what a gateway pod waits for before it starts)', () => {
  const url = withDatabase(TEST_PG_URL, `ivoryos_pending_${randomBytes(4).toString('hex')}`);
  beforeAll(() => createDatabase(url, { dropFirst: true }));
  afterAll(() => dropDatabase(url));

  it('lists every migration on an empty database and none once migrated; `migrate wait` returns only then', async () => {
    const pending = await pendingMigrations(url);
    expect(pending.length).toBeGreaterThan(5);
    expect(pending.every((name) => /^Migration\d{14}/.test(name))).toBe(true);
    const waiting = migrateCli(['wait', '0'], url);
    expect(waiting.stderr).toContain(`Still pending after 0 s: ${pending.join(', ')}`);
    expect(waiting.status).toBe(1);
    await migrateUp(url);
    expect(await pendingMigrations(url)).toEqual([]);
    const done = migrateCli(['wait', '5'], url);
    expect(done.stdout).toContain('is up to date');
    expect(done.status).toBe(0);
  });
});
