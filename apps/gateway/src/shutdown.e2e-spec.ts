import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, freePort, isolatedRedisUrl, type TestDatabase } from '@ivoryos/testing';
import { startTestAgent, waitFor, type TestAgent } from './testing/test-agent';

const MAIN = join(resolve(__dirname, '..', '..', '..'), 'dist/apps/gateway/src/main.js');

describe('the gateway process on SIGTERM', () => {
  let db: TestDatabase;
  let gateway: ChildProcess | undefined;
  let agent: TestAgent | undefined;

  afterAll(async () => {
    await agent?.kill('SIGKILL');
    if (gateway && gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGKILL');
    await db?.drop();
  });

  it('answers the call in flight, then exits 0', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
    db = await createTestDatabase();
    const redisUrl = await isolatedRedisUrl();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    const proc = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env, PORT: String(port), HOST: '127.0.0.1', IVORYOS_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: redisUrl,
        IVORYOS_DATA_DIR: mkdtempSync(join(tmpdir(), 'ivoryos-gw-')), IVORYOS_MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway = proc;
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    await waitFor(async () => ((await fetch(`${url}/api/health/ready`)).status === 200 ? true : undefined), 20_000, 'the gateway to be ready').catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`); // its output as of the failure, not of the start
    });
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    agent = startTestAgent({ redisUrl });
    const deck = agent.deck;
    await waitFor(async () => {
      const res = await fetch(`${url}/api/decks/${deck}`, { headers });
      return res.status === 200 && ((await res.json()) as { online: boolean }).online ? true : undefined;
    }, 20_000, 'the deck online');

    const call = fetch(`${url}/api/decks/${deck}/instruments/deck.sdl/equilibrate`, { method: 'POST', headers, body: JSON.stringify({ temp: 25, duration: 1.5 }) });
    await waitFor(() => (agent!.calls().some((l) => l.includes(' sdl equilibrate ')) ? true : undefined), 10_000, 'the driver call to start');
    proc.kill('SIGTERM');

    const res = await call;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true });
    expect(await exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
