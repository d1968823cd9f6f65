import { EntityManager } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { BULL_PREFIX, queueNames } from '@ivoryos/contracts';
import { Deck } from '@ivoryos/db';
import { bearer, TestAuth, type TestSession } from '@ivoryos/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const DECK = 'board_deck';

/**
 * bull-board at /ops/queues on the real gateway and Redis: the API's sign-in, admins only, and
 * read-only (queue order lives in PostgreSQL; jobs in Redis must not be changed behind its back).
 */
describe('the queue board (/ops/queues)', () => {
  let gw: TestGateway;
  let queue: Queue;
  let viewer: TestSession;
  let operator: TestSession;
  const admin = () => bearer(gw.adminToken);
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gw.url}/ops/queues${path}`, { headers });
  const put = (path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${gw.url}/ops/queues${path}`, { method: path.endsWith('/add') ? 'POST' : 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });

  beforeAll(async () => {
    gw = await startTestGateway();
    const em = gw.app.get(EntityManager).fork();
    em.create(Deck, { name: DECK, schema: { schemaVersion: 1, deck: DECK, hash: 'b'.repeat(64), instruments: {} }, schemaHash: 'b'.repeat(64) });
    await em.flush();
    const auth = new TestAuth({ baseUrl: gw.url, em: gw.app.get(EntityManager) });
    viewer = await auth.session('viewer');
    operator = await auth.session('operator');
    // A job waiting in the deck's queue, as the dispatcher leaves one for an offline agent.
    queue = new Queue(queueNames.deck(DECK), { connection: { url: gw.config.redisUrl }, prefix: BULL_PREFIX });
    await queue.add('accept-run', { runId: 'r1' }, { jobId: 'r1' });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await gw?.close();
  });

  it('asks for sign-in without credentials (401) and refuses viewers and operators (403)', async () => {
    const anonymous = await get('/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await anonymous.json()) as { message: string }).message).toMatch(/Sign in/);
    for (const who of [viewer, operator]) {
      const res = await get('/api/queues', who.headers);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toContain(`is ${who.role}`);
    }
    expect((await get('/', { cookie: viewer.cookie })).status).toBe(403);
  });

  it('shows admins the page and every deck queue with its jobs, read-only', async () => {
    const page = await get('/', admin());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('IvoryOS queues');
    const res = await get('/api/queues', admin());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[] };
    const deck = body.queues.find((q) => q.name === queueNames.deck(DECK));
    expect(deck).toMatchObject({ readOnlyMode: true });
    expect(deck?.counts.waiting).toBe(1);
  });

  it('refuses every change to jobs and queues, even from an admin, and Redis stays as it was', async () => {
    const name = encodeURIComponent(queueNames.deck(DECK));
    for (const path of [`/api/queues/${name}/pause`, `/api/queues/${name}/empty`, `/api/queues/${name}/add`, `/api/queues/${name}/retry/failed`, `/api/queues/${name}/r1/promote`]) {
      const res = await put(path, admin(), { name: 'x', data: {} });
      expect([path, res.status]).toEqual([path, 405]);
    }
    expect((await put('/api/queues/pause', admin())).status).toBe(200);
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobCounts('waiting', 'paused')).toEqual({ waiting: 1, paused: 0 });
    expect((await queue.getJob('r1'))?.data).toEqual({ runId: 'r1' });
  });
});
