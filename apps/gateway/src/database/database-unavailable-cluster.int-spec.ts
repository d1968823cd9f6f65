import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { migrateUp } from '@ivoryos/db';
import { freePort } from '@ivoryos/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { initCluster, startCluster, type RunningCluster } from './embedded-cluster';
import { SHARED_ROOT, chooseClusterPaths, installedNativeDir, ownDataDir } from './embedded-location';

/**
 * issue 10, item 4, the codes only a whole server gives: 57P02 (another backend crashed) and
 * 57P03 (the server is shutting down). A throwaway cluster from the embedded binaries, never the
 * shared server.
 */
describe('a database server that crashes or shuts down', () => {
  let work: string;
  let cluster: RunningCluster;
  let gw: TestGateway;
  let url: string;
  let shared: string | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ivoryos-throwaway-pg-'));
    chmodSync(work, 0o755);
    const paths = chooseClusterPaths(work, installedNativeDir(), userInfo().uid === 0);
    if (paths.nativeDir.startsWith(SHARED_ROOT)) shared = dirname(paths.nativeDir);
    ownDataDir(paths.dataDir, paths.runAs);
    await initCluster(paths, 'pw');
    cluster = await startCluster(paths, await freePort());
    const server = `postgres://postgres:pw@127.0.0.1:${cluster.port}`;
    const setup = new Client({ connectionString: `${server}/postgres` });
    await setup.connect();
    await setup.query('CREATE DATABASE ivoryos').finally(() => setup.end());
    url = `${server}/ivoryos`;
    await migrateUp(url);
    gw = await startTestGateway({}, { url, drop: async () => undefined });
  }, 120_000);

  afterAll(async () => {
    await gw?.close().catch(() => undefined);
    await cluster?.stop('immediate');
    rmSync(work, { recursive: true, force: true });
    if (shared) rmSync(shared, { recursive: true, force: true });
  }, 30_000);

  const createUser = (): Promise<Response> =>
    fetch(`${gw.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: `u_${randomBytes(4).toString('hex')}`, password: 'a long passphrase', role: 'viewer' }),
    });

  const expectUnavailable = async (res: Response): Promise<void> => {
    const body = (await res.json()) as { errorId?: string; message: string };
    expect({ status: res.status, body }).toMatchObject({ status: 503, body: { message: expect.stringMatching(/database/i) } });
    expect(body.errorId).toBeUndefined();
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  };

  const session = async (): Promise<Client> => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined); // ended by the server on purpose below
    await client.connect();
    return client;
  };

  it('57P02 "crash of another server process" under a write in progress: 503 with Retry-After, then service again', async () => {
    const holder = await session();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE');
    const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pending = createUser();
    const watcher = await session();
    const deadline = Date.now() + 10_000;
    while (!(await watcher.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).rowCount) {
      if (Date.now() > deadline) throw new Error('the write never waited for the lock');
      await new Promise((r) => setTimeout(r, 50));
    }
    // A backend killed outright: PostgreSQL ends every other session with 57P02 and recovers.
    process.kill(rows[0].pid, 'SIGKILL');
    await expectUnavailable(await pending);
    await holder.end().catch(() => undefined);
    await watcher.end().catch(() => undefined);
    const back = Date.now() + 30_000;
    while ((await fetch(`${gw.url}/api/health/ready`)).status !== 200) {
      if (Date.now() > back) throw new Error('the gateway did not become ready after crash recovery');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await createUser()).status).toBe(201);
  }, 60_000);

  it('57P03 "the database system is shutting down": writes answer 503 with Retry-After, ready is 503', async () => {
    // A smart shutdown waits for open sessions and refuses new ones: one session of ours keeps it
    // there; the gateway's pooled sessions are ended so that it must connect anew.
    const keeper = await session();
    await keeper.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");
    cluster.process.kill('SIGTERM');
    const refused = Date.now() + 10_000;
    for (;;) {
      const probe = new Client({ connectionString: url });
      const err = await probe.connect().then(() => probe.end(), (e: { code?: string }) => e);
      if (err && (err as { code?: string }).code === '57P03') break;
      if (Date.now() > refused) throw new Error('the server never refused new connections');
      await new Promise((r) => setTimeout(r, 50));
    }
    // A session the gateway opened between the first termination and the shutdown (its periodic
    // queries, on a busy machine) would still be served: end it too, so it must connect anew.
    await keeper.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");
    await expectUnavailable(await createUser());
    expect((await fetch(`${gw.url}/api/health/ready`)).status).toBe(503);
    await keeper.end();
  }, 30_000);
});
