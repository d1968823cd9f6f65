import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { TEST_PG_URL } from '@ivoryos/testing';
import { createGatewayApp } from '../app.factory';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/**
 * issue 10, item 4: while PostgreSQL refuses or drops the gateway's connections, API requests
 * (writes included) answer 503 with Retry-After and /api/health/ready is 503; nothing answers
 * 500. Everything here acts on this file's own database (and a role of its own) only: the shared
 * server is never restarted. 57P02/57P03 are in database-unavailable-cluster.int-spec.ts.
 */
describe('a database that refuses connections', () => {
  let gw: TestGateway;
  let dbName: string;
  let admin: Client;

  beforeAll(async () => {
    gw = await startTestGateway();
    dbName = new URL(gw.db.url).pathname.slice(1);
    admin = new Client({ connectionString: TEST_PG_URL });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true CONNECTION LIMIT -1`).catch(() => undefined);
    await admin.end();
    await gw.close();
  }, 30_000);

  /** Ends every session of this file's database but the caller's (the gateway's pooled ones). */
  const terminateGatewaySessions = (except?: number): Promise<unknown> =>
    admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2', [dbName, except ?? 0]);

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

  const expectRecovered = async (): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${gw.url}/api/health/ready`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the gateway did not become ready again');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await createUser()).status).toBe(201);
  };

  it('55000 "not currently accepting connections": writes and reads answer 503 with Retry-After, ready is 503', async () => {
    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
    await terminateGatewaySessions();
    try {
      await expectUnavailable(await createUser());
      await expectUnavailable(await fetch(`${gw.url}/api/workflows`, { headers: { authorization: `Bearer ${gw.adminToken}` } }));
      expect((await fetch(`${gw.url}/api/health/ready`)).status).toBe(503);
    } finally {
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
    }
    await expectRecovered();
  }, 30_000);

  it('53300 "too many connections": writes answer 503 with Retry-After, ready is 503', async () => {
    // Superusers are exempt from connection limits: the gateway here signs in as a role of its own.
    const role = `ivoryos_t_${randomBytes(4).toString('hex')}`;
    const limited = await startTestGatewayAs(role);
    try {
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT 0`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      const res = await fetch(`${limited.url}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${limited.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'limited', password: 'a long passphrase', role: 'viewer' }),
      });
      await expectUnavailable(res);
      expect((await fetch(`${limited.url}/api/health/ready`)).status).toBe(503);
    } finally {
      await limited.close();
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT -1`);
      // Its grants live in this file's database: revoke them there before the role can go.
      const owner = new Client({ connectionString: gw.db.url });
      await owner.connect();
      await owner.query(`DROP OWNED BY ${role}`).finally(() => owner.end());
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    }
  }, 60_000);

  it('57P01 "terminating connection due to administrator command" under a write in progress: 503 with Retry-After', async () => {
    // Holds the users table so the write waits inside PostgreSQL, then ends the gateway's sessions.
    const holder = new Client({ connectionString: gw.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE');
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pending = createUser();
      await waitForWaitingQuery(rows[0].pid);
      await terminateGatewaySessions(rows[0].pid);
      await expectUnavailable(await pending);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    await expectRecovered();
  }, 30_000);

  async function waitForWaitingQuery(except: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND pid <> $2 AND wait_event_type = 'Lock'", [dbName, except]);
      if (rowCount) return;
      if (Date.now() > deadline) throw new Error('the write never waited for the lock');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A second gateway on this file's database, signed in to PostgreSQL as a plain (non-superuser) role. */
  async function startTestGatewayAs(role: string): Promise<{ url: string; adminToken: string; close(): Promise<void> }> {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
    const owner = new Client({ connectionString: gw.db.url });
    await owner.connect();
    try {
      await owner.query(`GRANT ALL ON SCHEMA public TO ${role}; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    } finally {
      await owner.end();
    }
    const url = new URL(gw.db.url);
    url.username = role;
    url.password = 'pw';
    const app = await createGatewayApp({ ...gw.config, dbUrl: url.toString() });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    return { url: base, adminToken: accessToken, close: () => app.close() };
  }
});
