import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An embedded-database start failure as one line: what failed, then what to do. main() prints
 * only this line; nothing of it is a stack trace.
 */
export class EmbeddedDatabaseError extends Error {
  constructor(what: string, todo: string) {
    super(`embedded PostgreSQL: ${what}. ${todo}`);
    this.name = 'EmbeddedDatabaseError';
  }
}

/** The advice every failure ends with, unless a more precise one applies. */
export const USE_EXTERNAL = 'Set DATABASE_URL (or IVORYOS_DB_URI) to a PostgreSQL server to use that instead';

export interface PostgresUser {
  uid: number;
  gid: number;
}

export interface ClusterPaths {
  /** Holds bin/initdb and bin/postgres (and lib/, share/ beside it). */
  nativeDir: string;
  /** The cluster's data directory. */
  dataDir: string;
  /** As root, the user PostgreSQL runs as (it refuses to run as root). */
  runAs?: PostgresUser;
}

export interface RunningCluster {
  port: number;
  process: ChildProcess;
  /**
   * `fast` (SIGINT) ends sessions and stops; `smart` (SIGTERM) waits for sessions to end and
   * refuses new ones meanwhile; `immediate` (SIGQUIT) stops without a checkpoint.
   */
  stop(mode?: 'fast' | 'smart' | 'immediate'): Promise<void>;
}

const SIGNALS = { fast: 'SIGINT', smart: 'SIGTERM', immediate: 'SIGQUIT' } as const;

/** Messages must be English (readiness is read from PostgreSQL's log); LC_ALL would override that. */
const ENV: NodeJS.ProcessEnv = { ...process.env, LC_MESSAGES: 'C', LC_ALL: undefined };

/** Creates a cluster (password authentication, user `postgres`) in an empty data directory. */
export async function initCluster(paths: ClusterPaths, password: string): Promise<void> {
  const pwFile = join(paths.dataDir, '..', `.pg-password-${process.pid}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (paths.runAs) chownSync(pwFile, paths.runAs.uid, paths.runAs.gid);
    const initdb = join(paths.nativeDir, 'bin', 'initdb');
    const args = [`--pgdata=${paths.dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--no-instructions'];
    const { code, output } = await runToEnd(initdb, args, spawnOptions(paths.runAs), paths.runAs);
    if (code !== 0) {
      throw new EmbeddedDatabaseError(`initdb could not create the cluster in ${paths.dataDir} (${lastLine(output)})`, `Check that directory, or remove it to start afresh. ${USE_EXTERNAL}`);
    }
  } finally {
    if (existsSync(pwFile)) unlinkSync(pwFile);
  }
}

/** Starts the cluster on 127.0.0.1:port and resolves once it accepts connections. */
export function startCluster(paths: ClusterPaths, port: number, timeoutMs = 60_000): Promise<RunningCluster> {
  const postgres = join(paths.nativeDir, 'bin', 'postgres');
  const args = ['-D', paths.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`];
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(postgres, args, spawnOptions(paths.runAs));
    const fail = (err: EmbeddedDatabaseError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new EmbeddedDatabaseError(`PostgreSQL did not accept connections within ${timeoutMs / 1000} s (${lastLine(output)})`, USE_EXTERNAL)),
      timeoutMs,
    );
    child.on('error', (err) => fail(spawnFailure(postgres, err, paths.runAs)));
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (!settled && output.includes('database system is ready to accept connections')) {
        settled = true;
        clearTimeout(timer);
        resolve({ port, process: child, stop: (mode = 'fast') => stopProcess(child, SIGNALS[mode]) });
      }
    });
    child.on('exit', (code, signal) =>
      fail(new EmbeddedDatabaseError(`PostgreSQL exited while starting from ${paths.dataDir} (${signal ?? `code ${code}`}: ${lastLine(output)})`, `Check that directory and port ${port}. ${USE_EXTERNAL}`)),
    );
  });
}

function spawnOptions(runAs?: PostgresUser): SpawnOptions {
  return { env: ENV, stdio: ['ignore', 'pipe', 'pipe'], ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) };
}

function runToEnd(command: string, args: string[], options: SpawnOptions, runAs?: PostgresUser): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, options);
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.on('error', (err) => reject(spawnFailure(command, err, runAs)));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function spawnFailure(command: string, err: Error, runAs?: PostgresUser): EmbeddedDatabaseError {
  const code = (err as NodeJS.ErrnoException).code ?? err.message;
  const who = runAs ? ` as the postgres user (uid ${runAs.uid})` : '';
  return new EmbeddedDatabaseError(`could not run ${command}${who} (${code})`, `That user must be able to reach and execute it: reinstall with npm ci, or fix the directory's permissions. ${USE_EXTERNAL}`);
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** PostgreSQL's last meaningful message: its FATAL/ERROR line when there is one. */
function lastLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = [...lines].reverse().find((l) => /FATAL|ERROR|PANIC|initdb: error/.test(l));
  return (fatal ?? lines[lines.length - 1] ?? 'no output').replace(/^\S+ \S+ \S+ \[\d+\] /, '').slice(0, 300);
}
