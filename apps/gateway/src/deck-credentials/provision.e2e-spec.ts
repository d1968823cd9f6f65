import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const CLI = join(resolve(__dirname, '..', '..', '..', '..'), 'dist/apps/deck-agent/src/cli.js');
const deckName = (tag: string) => `${tag}_${randomBytes(3).toString('hex')}`;

/**
 * issue 10, item 5: one token file per deck, `ivoryos-agent provision` against a real gateway, and
 * a second deck that never borrows the first deck's token. Redis is locked down as in production
 * (default user off), so an agent without its own token cannot get in at all.
 */
describe('ivoryos-agent provision and one token file per deck', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let gw: TestGateway;
  let dataDir: string;
  const agents: TestAgent[] = [];
  const demo = deckName('demo');

  /** The built CLI, run without blocking this process (the gateway under test lives in it). */
  const provision = (args: string[], env: Record<string, string> = {}, dropPassword = false): Promise<{ status: number | null; stdout: string; stderr: string }> => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (dropPassword) delete childEnv.IVORYOS_ADMIN_PASSWORD;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'provision', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  };

  beforeAll(async () => {
    redis = await startPrivateRedis({ lockDown: true });
    admin = redis.client();
    gw = await startTestGateway({ REDIS_URL: redis.url, IVORYOS_REQUIRE_DECK_TOKENS: 'true' });
    // The first deck's token, both where npm start used to keep it and in its own file.
    dataDir = mkdtempSync(join(tmpdir(), 'ivoryos-provision-'));
    const demoToken = ((await (await fetch(`${gw.url}/api/decks/${demo}/token`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { token: string }).token;
    writeFileSync(join(dataDir, 'deck-token'), `${demoToken}\n`);
    mkdirSync(join(dataDir, 'deck-tokens'));
    writeFileSync(join(dataDir, 'deck-tokens', demo), `${demoToken}\n`);
  }, 60_000);

  afterAll(async () => {
    for (const agent of agents) await agent.kill('SIGKILL');
    await gw?.close();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('provisions a token for a new deck from the gateway; that deck\'s agent signs in with it, beside the first deck\'s token', async () => {
    const lab2 = deckName('lab2');
    const res = await provision([lab2, '--gateway', gw.url, '--data-dir', dataDir], { IVORYOS_ADMIN_PASSWORD: 'admin' });
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    const file = join(dataDir, 'deck-tokens', lab2);
    expect(res.stdout).toContain(`written to ${file}`);
    expect(readFileSync(file, 'utf8')).toMatch(/^ivd_[A-Za-z0-9_-]{43}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const agent = startTestAgent({ redisUrl: redis.bareUrl, deck: lab2, dataDir, env: { LOG_LEVEL: 'info' } });
    agents.push(agent);
    await waitOnline(gw.url, gw.adminToken, agent);
    const clients = String(await admin.call('CLIENT', 'LIST')).split('\n').filter((l) => l.includes(`name=ivoryos-agent:`) && l.includes(`user=deck_${lab2}`));
    expect(clients.length).toBeGreaterThanOrEqual(4);
    expect(agent.output()).not.toContain('WRONGPASS');
  }, 90_000);

  it("never uses another deck's token: an agent with none of its own says plainly that the only one found is another deck's", async () => {
    const lab3 = deckName('lab3');
    const agent = startTestAgent({ redisUrl: redis.bareUrl, deck: lab3, dataDir, env: { LOG_LEVEL: 'info' } });
    agents.push(agent);
    await waitFor(() => (agent.output().includes('redis needs credentials') ? true : undefined), 60_000, 'the agent to report it has no credential').catch((e: Error) => {
      throw new Error(`${e.message}\n${agent.output()}`);
    });
    expect(agent.output()).toContain(`no token for deck ${lab3}`);
    expect(agent.output()).toMatch(new RegExp(`the only deck tokens found belong to other decks \\([^)]*${demo}`));
    expect(agent.output()).toContain(`ivoryos-agent provision ${lab3}`);
    expect(agent.output()).not.toContain('WRONGPASS');
  }, 90_000);

  it('refuses a wrong admin password, an existing token file without --force, and a missing credential, each with one clear line', async () => {
    const wrong = await provision([deckName('lab4'), '--gateway', gw.url, '--data-dir', dataDir, '--password', 'nope']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim()).toMatch(/^signing in to .* as admin failed \(401\)/);

    const existing = await provision([demo, '--gateway', gw.url, '--data-dir', dataDir], { IVORYOS_ADMIN_PASSWORD: 'admin' });
    expect(existing.status).toBe(1);
    expect(existing.stderr.trim()).toContain(`deck-tokens/${demo} exists already`);

    const none = await provision([deckName('lab5'), '--gateway', gw.url, '--data-dir', dataDir], {}, true);
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toMatch(/^an admin credential is needed/);
  }, 60_000);
});
