import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import type { DeckSchema } from '@ivoryos/contracts';
import { ApiKey, Deck, SingleStep } from '@ivoryos/db';
import { bearer, TestAuth } from '@ivoryos/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { generateApiKey } from './api-key-format';

const A = 'lab-a';
const B = 'lab-b';
const EMPTY = { prep: [], script: [], cleanup: [] };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A deck's schema with only some of the demo deck's instruments (and its own hash). */
function schemaWith(deck: string, instruments: string[]): DeckSchema {
  const demo = JSON.parse(readFileSync(join(__dirname, '../decks/fixtures/abstract_sdl.schema.json'), 'utf8')) as DeckSchema;
  const all = demo.instruments;
  return {
    schemaVersion: 1, deck, hash: deck.padEnd(64, '0'),
    instruments: Object.fromEntries(instruments.map((i) => [i, all[i]])),
  };
}

/**
 * A key limited to deck A, with decks A and B both holding decks, calls, workflows and audit
 * entries: every listing shows A only, B's items are not found, and bodies naming B are refused.
 */
describe('an API key limited to one deck', () => {
  let gw: TestGateway;
  let admin: { headers: { authorization: string } };
  let scoped: { headers: { authorization: string } };
  let callA: SingleStep;
  let callB: SingleStep;

  async function call(method: string, path: string, who: { headers: Record<string, string> }, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { ...who.headers, ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const names = (res: Answer, field = 'name') => (res.body.items as Record<string, unknown>[]).map((i) => i[field]);
  const errorPaths = (res: Answer) => (res.body.errors as { path: string }[] | undefined)?.map((e) => e.path);

  beforeAll(async () => {
    // Deck A counts as online for the whole suite (its heartbeat is written below, no agent runs).
    gw = await startTestGateway({ IVORYOS_DECK_OFFLINE_AFTER_MS: '600000' });
    const em = gw.app.get(EntityManager).fork();
    const auth = new TestAuth({ baseUrl: gw.url, em: gw.app.get(EntityManager) });
    admin = { headers: bearer(gw.adminToken) };

    const a = schemaWith(A, ['deck.bench']);
    const b = schemaWith(B, ['deck.sdl']);
    em.create(Deck, { name: A, schema: a, schemaHash: a.hash, lastSeenAt: new Date() });
    em.create(Deck, { name: B, schema: b, schemaHash: b.hash });
    callA = em.create(SingleStep, { deck: A, instrument: 'deck.bench', methodName: 'noop', status: 'completed', calledBy: 'admin', idempotencyKey: `${A}:earlier` });
    callB = em.create(SingleStep, { deck: B, instrument: 'deck.sdl', methodName: 'measure', status: 'completed', calledBy: 'admin', idempotencyKey: `${B}:shared` });
    await em.flush();

    for (const [name, deck] of [['wf-a', A], ['wf-b', B], ['wf-none', null]] as const) {
      expect((await call('POST', '/api/workflows', admin, { name, deck, script_dict: EMPTY })).status).toBe(201);
    }
    scoped = await auth.apiKey(admin, { role: 'operator', deck: A });
    await auth.apiKey(admin, { role: 'viewer' }); // an admin change of no deck, for the audit
  });
  afterAll(() => gw?.close());

  it('lists only its deck', async () => {
    expect(names(await call('GET', '/api/decks', scoped))).toEqual([A]);
    expect(names(await call('GET', '/api/decks', admin))).toEqual([A, B]);
  });

  it("lists and reads only its deck's direct-control calls", async () => {
    const list = await call('GET', '/api/control-steps?perPage=100', scoped);
    expect(list.status).toBe(200);
    expect(names(list, 'id')).toEqual([callA.id]);
    expect(list.body.total).toBe(1);
    expect((await call('GET', `/api/control-steps/${callA.id}`, scoped)).status).toBe(200);
    expect((await call('GET', `/api/control-steps/${callB.id}`, scoped)).status).toBe(404);
    expect((await call('GET', `/api/control-steps?deck=${B}`, scoped)).status).toBe(403);
    expect((await call('GET', `/api/control-steps/${callB.id}`, admin)).status).toBe(200);
  });

  it("never replays another deck's call for the same Idempotency-Key", async () => {
    // B already answered a call under 'shared'; A's call under that key is a new one (no agent
    // serves A, so it times out, still under its own id) and a retry replays A's, not B's.
    const path = `/api/decks/${A}/instruments/deck.bench/noop?timeoutMs=200`;
    const first = await call('POST', path, scoped, {}, { 'idempotency-key': 'shared' });
    expect(first.status).toBe(504);
    expect(first.body.id).toEqual(expect.any(String));
    expect(first.body.id).not.toBe(callB.id);
    const again = await call('POST', path, scoped, {}, { 'idempotency-key': 'shared' });
    expect(again.body.id).toBe(first.body.id);
    // The same key for A's own earlier call does replay it.
    const earlier = await call('POST', path, scoped, {}, { 'idempotency-key': 'earlier' });
    expect(earlier).toMatchObject({ status: 200, body: { id: callA.id } });
  });

  it('is kept to its deck on the IvoryOS compatibility routes', async () => {
    expect((await call('GET', `/ivoryos/instruments/task/${callA.id}`, scoped)).status).toBe(200);
    expect((await call('GET', `/ivoryos/instruments/task/${callB.id}`, scoped)).status).toBe(404);
    // deck.sdl is only on deck B: looked up within deck A it is not found (B, offline, would answer 503).
    const sdl = await call('POST', '/ivoryos/instruments/deck.sdl', scoped, { hidden_name: 'analyze', param_1: 1, param_2: 2 });
    expect(sdl).toMatchObject({ status: 404, body: { success: false, error: 'Instrument not found' } });
    expect((await call('POST', '/ivoryos/instruments/deck.sdl', admin, { hidden_name: 'analyze', param_1: 1, param_2: 2 })).status).toBe(503);
    expect((await call('POST', `/ivoryos/instruments/deck.sdl?deck=${B}`, scoped, { hidden_name: 'analyze' })).status).toBe(403);
  });

  describe('workflows', () => {
    it("lists its deck's and the deck-less ones, never another deck's", async () => {
      const list = await call('GET', '/api/workflows?perPage=100&sort=name', scoped);
      expect(names(list)).toEqual(['wf-a', 'wf-none']);
      expect(list.body.total).toBe(2);
      expect(names(await call('GET', '/api/workflows?keyword=wf&sort=name', scoped))).toEqual(['wf-a', 'wf-none']);
      expect((await call('GET', `/api/workflows?deck=${B}`, scoped)).status).toBe(403);
      expect(names(await call('GET', '/api/workflows?perPage=100&sort=name', admin))).toEqual(['wf-a', 'wf-b', 'wf-none']);
    });

    it("answers 404 for every route on another deck's workflow, and leaves it as it was", async () => {
      const attempts: [string, string, unknown?][] = [
        ['GET', '/api/workflows/wf-b'],
        ['PUT', '/api/workflows/wf-b', { name: 'wf-b', deck: A, script_dict: EMPTY }],
        ['DELETE', '/api/workflows/wf-b'],
        ['POST', '/api/workflows/wf-b/save-as', { name: 'wf-b-copy' }],
        ['POST', '/api/workflows/wf-b/finalize', {}],
        ['POST', '/api/workflows/wf-b/register', { registered: true }],
        ['GET', '/api/workflows/wf-b/export'],
        ['POST', '/api/workflows/wf-b/validate', {}],
        ['GET', '/api/workflows/wf-b/code'],
      ];
      const statuses = [];
      for (const [method, path, body] of attempts) statuses.push(`${method} ${path} ${(await call(method, path, scoped, body)).status}`);
      expect(statuses).toEqual(attempts.map(([method, path]) => `${method} ${path} 404`));
      const wf = await call('GET', '/api/workflows/wf-b', admin);
      expect(wf.body).toMatchObject({ deck: B, status: 'editing', registered: false });
      expect((await call('GET', '/api/workflows/wf-b-copy', admin)).status).toBe(404);
    });

    it('reads deck-less workflows but changes them only as copies on its deck', async () => {
      expect((await call('GET', '/api/workflows/wf-none', scoped)).status).toBe(200);
      expect((await call('GET', '/api/workflows/wf-none/code', scoped)).status).toBe(200);
      expect((await call('POST', '/api/workflows/wf-none/validate', scoped, {}))).toMatchObject({ status: 200, body: { deck: null } });
      expect((await call('PUT', '/api/workflows/wf-none', scoped, { name: 'wf-none', deck: A, script_dict: EMPTY })).status).toBe(403);
      expect((await call('POST', '/api/workflows/wf-none/finalize', scoped, {})).status).toBe(403);
      expect((await call('DELETE', '/api/workflows/wf-none', scoped)).status).toBe(403);
      const copy = await call('POST', '/api/workflows/wf-none/save-as', scoped, { name: 'wf-none-mine' });
      expect(copy).toMatchObject({ status: 201, body: { name: 'wf-none-mine', deck: A } });
      expect((await call('GET', '/api/workflows/wf-none', admin)).body).toMatchObject({ deck: null, status: 'editing' });
    });

    it("changes its own deck's workflows", async () => {
      expect((await call('POST', '/api/workflows/wf-a/register', scoped, { registered: true })).body).toMatchObject({ registered: true });
      expect((await call('PUT', '/api/workflows/wf-a', scoped, { name: 'wf-a', deck: A, description: 'mine', script_dict: EMPTY })).body).toMatchObject({ description: 'mine' });
      expect((await call('POST', '/api/workflows/wf-a/validate', scoped, { deck: A }))).toMatchObject({ status: 200, body: { deck: A } });
    });

    it("refuses bodies naming another deck (or none, where the body sets the workflow's deck) with 403 on deck", async () => {
      const create = await call('POST', '/api/workflows', scoped, { name: 'wf-new', deck: B, script_dict: EMPTY });
      expect([create.status, errorPaths(create)]).toEqual([403, ['deck']]);
      const deckless = await call('POST', '/api/workflows', scoped, { name: 'wf-new', script_dict: EMPTY });
      expect([deckless.status, errorPaths(deckless)]).toEqual([403, ['deck']]);
      const put = await call('PUT', '/api/workflows/wf-a', scoped, { name: 'wf-a', deck: B, script_dict: EMPTY });
      expect([put.status, errorPaths(put)]).toEqual([403, ['deck']]);
      const imported = await call('POST', '/api/workflows/import', scoped, { name: 'wf-new', deck: B, script_dict: EMPTY });
      expect([imported.status, errorPaths(imported)]).toEqual([403, ['deck']]);
      const checkB = await call('POST', '/api/workflows/wf-a/validate', scoped, { deck: B });
      expect([checkB.status, errorPaths(checkB)]).toEqual([403, ['deck']]);
      const draft = await call('POST', '/api/workflows/validate', scoped, { workflow: { deck: B, script_dict: EMPTY } });
      expect([draft.status, errorPaths(draft)]).toEqual([403, ['workflow.deck']]);
      const render = await call('POST', '/api/workflows/render', scoped, { deck: B, workflow: { script_dict: EMPTY } });
      expect([render.status, errorPaths(render)]).toEqual([403, ['deck']]);
      expect((await call('GET', `/api/workflows/wf-a/code?deck=${B}`, scoped)).status).toBe(403);
      expect((await call('GET', '/api/workflows/wf-new', admin)).status).toBe(404);
      expect((await call('GET', '/api/workflows/wf-a', admin)).body).toMatchObject({ deck: A });

      const mine = await call('POST', '/api/workflows', scoped, { name: 'wf-new', deck: A, script_dict: EMPTY });
      expect(mine).toMatchObject({ status: 201, body: { deck: A } });
      expect((await call('POST', '/api/workflows/render', scoped, { deck: A, workflow: { script_dict: EMPTY } })).status).toBe(200);
    });

    it("does not overwrite another deck's workflow by import, nor run it", async () => {
      const imported = await call('POST', '/api/workflows/import?overwrite=true', scoped, { name: 'wf-b', deck: A, script_dict: EMPTY });
      expect([imported.status, errorPaths(imported)]).toEqual([409, ['name']]);
      expect((await call('GET', '/api/workflows/wf-b', admin)).body).toMatchObject({ deck: B });
      expect((await call('POST', '/api/runs', scoped, { workflow: 'wf-b', deck: A })).status).toBe(404);
    });
  });

  it("shows a deck-scoped admin key only its deck's audit entries", async () => {
    // The API refuses to make such a key; a row written before that rule still must not see more.
    const generated = generateApiKey();
    const em = gw.app.get(EntityManager).fork();
    em.create(ApiKey, { name: 'old admin key', role: 'admin', deck: A, prefix: generated.prefix, keyHash: generated.hash, createdBy: 'admin' });
    await em.flush();
    const scopedAdmin = { headers: bearer(generated.key) };

    const mine = await call('GET', '/api/audit?perPage=100', scopedAdmin);
    expect(mine.status).toBe(200);
    const entries = mine.body.items as { deck: string | null; target: string; kind: string }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.deck !== A)).toEqual([]);
    expect(entries.map((e) => e.target)).toContain(callA.id);
    expect(mine.body.total).toBe(entries.length);
    expect((await call('GET', `/api/audit?deck=${B}`, scopedAdmin)).status).toBe(403);

    const all = (await call('GET', '/api/audit?perPage=100', admin)).body.items as { deck: string | null; target: string }[];
    expect(all.map((e) => e.target)).toContain(callB.id);
    expect(all.some((e) => e.deck === null)).toBe(true);
  });
});
