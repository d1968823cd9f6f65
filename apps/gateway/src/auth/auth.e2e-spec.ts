import { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { User, WorkflowRun } from '@ivoryos/db';
import { bearer, type TestSession } from '@ivoryos/testing';
import { startAuthTestGateway, type AuthTestGateway } from './testing/auth-test-gateway';

const ADMIN_PASSWORD = 'first-admin-password';
const WINDOW_MS = 1500;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

describe('identity and access (gateway in-process)', () => {
  let gw: AuthTestGateway;
  let admin: TestSession;

  async function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { ...opts.headers, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  }
  const login = (username: string, password: string) => call('POST', '/api/auth/login', { body: { username, password } });
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    gw = await startAuthTestGateway({ env: { IVORYOS_ADMIN_PASSWORD: ADMIN_PASSWORD }, loginThrottle: { maxFailures: 5, windowMs: WINDOW_MS } });
    admin = await gw.auth.session('admin');
  });
  afterAll(() => gw.close());

  describe('first start', () => {
    it('created admin with IVORYOS_ADMIN_PASSWORD, not admin/admin', async () => {
      expect((await login('admin', 'admin')).status).toBe(401);
      const res = await login('admin', ADMIN_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
    });
  });

  describe('login', () => {
    it('returns tokens, the user and an httpOnly SameSite=Lax session cookie', async () => {
      const user = await gw.auth.createUser({ role: 'operator' });
      const res = await fetch(`${gw.url}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.username, password: user.password }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({
        accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800,
        user: { id: user.id, username: user.username, role: 'operator', disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String), lastLoginAt: expect.any(String) },
      });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ivoryos_session='));
      expect(cookie).toMatch(/; Max-Age=43200;/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
    });

    it('answers 401 with the same message for an unknown user and a wrong password', async () => {
      const user = await gw.auth.createUser({ role: 'viewer' });
      const wrong = await login(user.username, 'not-the-password');
      const unknown = await login(unique('nobody'), 'whatever-password');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.message).toBe(unknown.body.message);
    });

    it('names the field on bad input and refuses unknown fields', async () => {
      const res = await call('POST', '/api/auth/login', { body: { username: '', password: 'x', remember: true } });
      expect(res.status).toBe(400);
      expect((res.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['remember', 'username']);
    });
  });

  describe('throttling', () => {
    it('answers 429 with Retry-After after 5 failures, even to the right password, and lets the user in after the window', async () => {
      const user = await gw.auth.createUser({ role: 'viewer' });
      for (let i = 0; i < 5; i++) expect((await login(user.username, 'wrong-password')).status).toBe(401);
      const blocked = await login(user.username, user.password);
      expect(blocked.status).toBe(429);
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));
      // Another user from the same address is not affected.
      const other = await gw.auth.createUser({ role: 'viewer' });
      expect((await login(other.username, other.password)).status).toBe(200);

      const deadline = Date.now() + 10_000;
      let res = blocked;
      while (res.status === 429 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        res = await login(user.username, user.password);
      }
      expect(res.status).toBe(200);
    });

    it('forgets earlier failures after a successful login', async () => {
      const user = await gw.auth.createUser({ role: 'viewer' });
      for (let i = 0; i < 4; i++) expect((await login(user.username, 'wrong-password')).status).toBe(401);
      expect((await login(user.username, user.password)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await login(user.username, 'wrong-password')).status).toBe(401);
      expect((await login(user.username, user.password)).status).toBe(200);
    });
  });

  describe('tokens and the session cookie', () => {
    it('authenticates with the access token, the cookie, and tells who is calling', async () => {
      const s = await gw.auth.session('viewer');
      const me = await call('GET', '/api/me', { headers: s.headers });
      expect(me).toMatchObject({ status: 200, body: { kind: 'user', id: s.id, name: s.username, role: 'viewer', deck: null } });
      expect((await call('GET', '/api/me', { headers: { cookie: s.cookie } })).body).toMatchObject({ name: s.username });
    });

    it('refuses each token where another type is expected', async () => {
      const s = await gw.auth.session('viewer');
      const session = s.cookie.slice('ivoryos_session='.length);
      expect((await call('GET', '/api/me', { headers: bearer(s.refreshToken) })).status).toBe(401);
      expect((await call('GET', '/api/me', { headers: bearer(session) })).status).toBe(401);
      expect((await call('GET', '/api/me', { headers: { cookie: `ivoryos_session=${s.accessToken}` } })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: s.accessToken } })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: session } })).status).toBe(401);
    });

    it('trades a refresh token for working tokens', async () => {
      const s = await gw.auth.session('operator');
      const res = await call('POST', '/api/auth/refresh', { body: { refreshToken: s.refreshToken } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: s.username, role: 'operator' } });
      expect((await call('GET', '/api/me', { headers: bearer(res.body.accessToken as string) })).status).toBe(200);
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: res.body.refreshToken } })).status).toBe(200);
    });

    it('takes each refresh token once; a second use, even at the same time, ends every session of the user', async () => {
      const s = await gw.auth.session('operator');
      const other = await gw.auth.login({ username: s.username, password: s.password });
      const twice = await Promise.all([1, 2].map(() => call('POST', '/api/auth/refresh', { body: { refreshToken: s.refreshToken } })));
      expect(twice.map((r) => r.status).sort()).toEqual([200, 401]);
      expect(twice.find((r) => r.status === 401)!.body.message).toMatch(/already used or signed out, so every session of this user has been ended/);
      // Whoever holds the tokens the first trade gave may be the one who took a copy: they end too, as do other sign-ins.
      const fresh = twice.find((r) => r.status === 200)!.body;
      for (const headers of [bearer(fresh.accessToken as string), other.headers, { cookie: other.cookie }]) {
        expect((await call('GET', '/api/me', { headers })).status).toBe(401);
      }
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: fresh.refreshToken } })).status).toBe(401);
      expect((await login(s.username, s.password)).status).toBe(200);
    });

    it('answers 400 naming the field for a refresh token that is not a JWT', async () => {
      const res = await call('POST', '/api/auth/refresh', { body: { refreshToken: 'nope' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'refreshToken', message: expect.any(String) }]);
    });

    it('refuses malformed and forged credentials with 401 and WWW-Authenticate', async () => {
      for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer a.b.c', 'Bearer ivk_short', `Bearer ivk_${'A'.repeat(43)}`]) {
        const res = await call('GET', '/api/me', { headers: { authorization } });
        expect([authorization, res.status]).toEqual([authorization, 401]);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ivoryos"');
      }
    });

    it('logout revokes the access token used and the refresh token sent, and nothing else until that token is used again', async () => {
      const s = await gw.auth.session('viewer');
      const other = await gw.auth.login({ username: s.username, password: s.password });
      const res = await call('POST', '/api/auth/logout', { headers: s.headers, body: { refreshToken: s.refreshToken } });
      expect(res.status).toBe(204);
      const me = await call('GET', '/api/me', { headers: s.headers });
      expect(me.status).toBe(401);
      expect(me.body.message).toMatch(/signed out/);
      // The same user's other sign-in is untouched.
      expect((await call('GET', '/api/me', { headers: other.headers })).status).toBe(200);
      expect((await call('GET', '/api/me', { headers: { cookie: other.cookie } })).status).toBe(200);
      // The signed-out refresh token is refused, and someone still holding it is a reason to end the rest.
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
      expect((await call('GET', '/api/me', { headers: other.headers })).status).toBe(401);
    });

    it('logout revokes the access token however the guard accepted its header (case, spaces)', async () => {
      const s = await gw.auth.session('viewer');
      const header = { authorization: `bearer  ${s.accessToken} ` };
      expect((await call('GET', '/api/me', { headers: header })).status).toBe(200);
      expect((await call('POST', '/api/auth/logout', { headers: header })).status).toBe(204);
      expect((await call('GET', '/api/me', { headers: s.headers })).status).toBe(401);
    });

    it('logout with the session cookie revokes that session; a refresh token of another user is ignored', async () => {
      const s = await gw.auth.session('viewer');
      const stranger = await gw.auth.session('viewer');
      const res = await call('POST', '/api/auth/logout', { headers: { cookie: s.cookie }, body: { refreshToken: stranger.refreshToken } });
      expect(res.status).toBe(204);
      expect((await call('GET', '/api/me', { headers: { cookie: s.cookie } })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: stranger.refreshToken } })).status).toBe(200);
    });

    it('logout everywhere ends every token and session of the user', async () => {
      const s = await gw.auth.session('operator');
      const other = await gw.auth.login({ username: s.username, password: s.password });
      expect((await call('POST', '/api/auth/logout', { headers: s.headers, body: { everywhere: true } })).status).toBe(204);
      for (const headers of [s.headers, other.headers, { cookie: other.cookie }]) expect((await call('GET', '/api/me', { headers })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
      expect((await login(s.username, s.password)).status).toBe(200);
    });

    it('logout refuses API keys and bad fields with 400 naming them', async () => {
      const key = await call('POST', '/api/api-keys', { headers: admin.headers, body: { name: unique('logout'), role: 'viewer' } });
      const byKey = await call('POST', '/api/auth/logout', { headers: bearer(key.body.key as string) });
      expect(byKey.status).toBe(400);
      expect(byKey.body.errors).toEqual([{ path: 'Authorization', message: expect.stringContaining('DELETE /api/api-keys') }]);
      const s = await gw.auth.session('viewer');
      const bad = await call('POST', '/api/auth/logout', { headers: s.headers, body: { everywhere: 'yes', refreshToken: 'x' } });
      expect(bad.status).toBe(400);
      expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['everywhere', 'refreshToken']);
      expect((await call('GET', '/api/me', { headers: s.headers })).status).toBe(200);
    });

    it('logout clears the session cookie', async () => {
      const s = await gw.auth.session('viewer');
      const res = await fetch(`${gw.url}/api/auth/logout`, { method: 'POST', headers: { cookie: s.cookie } });
      expect(res.status).toBe(204);
      const cleared = res.headers.getSetCookie().find((c) => c.startsWith('ivoryos_session='));
      expect(cleared).toMatch(/^ivoryos_session=;/);
      expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    });
  });

  describe('users', () => {
    it('lets admins create and list users, without password hashes', async () => {
      const username = unique('alice');
      const created = await call('POST', '/api/users', { headers: admin.headers, body: { username, password: 'correct horse', role: 'operator' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username, role: 'operator', disabled: false, lastLoginAt: null });
      expect((await login(username, 'correct horse')).status).toBe(200);
      const list = await call('GET', '/api/users', { headers: admin.headers });
      expect(list.status).toBe(200);
      expect((list.body.items as { username: string }[]).map((u) => u.username)).toContain(username);
      expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/i);
    });

    it('answers 4xx naming the field for bad users, 409 for a taken name, 404 for an unknown one', async () => {
      const bad = async (body: unknown) => {
        const res = await call('POST', '/api/users', { headers: admin.headers, body });
        return [res.status, (res.body.errors as { path: string }[] | undefined)?.map((e) => e.path)];
      };
      expect(await bad({ username: 'has space', password: 'long enough', role: 'viewer' })).toEqual([400, ['username']]);
      expect(await bad({ username: 'x'.repeat(51), password: 'long enough', role: 'viewer' })).toEqual([400, ['username']]);
      expect(await bad({ username: 'bob', password: 'short', role: 'viewer' })).toEqual([400, ['password']]);
      expect(await bad({ username: 'bob', password: 'x'.repeat(201), role: 'viewer' })).toEqual([400, ['password']]);
      expect(await bad({ username: 'bob', password: 'long enough', role: 'root' })).toEqual([400, ['role']]);
      expect(await bad({ username: 'bob', password: 'long enough', role: 'viewer', isAdmin: true })).toEqual([400, ['isAdmin']]);
      expect(await bad({ username: admin.username, password: 'long enough', role: 'viewer' })).toEqual([409, ['username']]);
      expect((await call('PATCH', `/api/users/${unique('ghost')}`, { headers: admin.headers, body: { role: 'viewer' } })).status).toBe(404);
      const badParam = await call('PATCH', '/api/users/bad%20name', { headers: admin.headers, body: {} });
      expect([badParam.status, badParam.body.errors]).toEqual([400, [{ path: 'username', message: expect.any(String) }]]);
      expect((await call('PATCH', `/api/users/${admin.username}`, { headers: admin.headers, body: { disabled: 'yes' } })).status).toBe(400);
    });

    it('keeps users and keys from viewers and operators', async () => {
      for (const role of ['viewer', 'operator'] as const) {
        const s = await gw.auth.session(role);
        expect((await call('GET', '/api/users', { headers: s.headers })).status).toBe(403);
        expect((await call('GET', '/api/api-keys', { headers: s.headers })).status).toBe(403);
        expect((await call('POST', '/api/users', { headers: s.headers, body: { username: unique('x'), password: 'long enough', role: 'admin' } })).status).toBe(403);
      }
    });

    it('refuses a disabled user at once: tokens, cookie, refresh and login', async () => {
      const s = await gw.auth.session('operator');
      expect((await call('GET', '/api/me', { headers: s.headers })).status).toBe(200);
      expect((await call('PATCH', `/api/users/${s.username}`, { headers: admin.headers, body: { disabled: true } })).status).toBe(200);
      expect((await call('GET', '/api/me', { headers: s.headers })).status).toBe(401);
      expect((await call('GET', '/api/me', { headers: { cookie: s.cookie } })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
      expect((await login(s.username, s.password)).status).toBe(403);
      // Enabling again does not revive the old tokens; a new login works.
      expect((await call('PATCH', `/api/users/${s.username}`, { headers: admin.headers, body: { disabled: false } })).status).toBe(200);
      expect((await call('GET', '/api/me', { headers: s.headers })).status).toBe(401);
      expect((await gw.auth.login(s)).role).toBe('operator');
    });

    it("applies a role change to existing tokens and ends sessions on a password reset", async () => {
      const s = await gw.auth.session('viewer');
      const draft = { name: unique('wf'), script_dict: { prep: [], script: [], cleanup: [] } };
      expect((await call('POST', '/api/workflows', { headers: s.headers, body: draft })).status).toBe(403);
      expect((await call('PATCH', `/api/users/${s.username}`, { headers: admin.headers, body: { role: 'operator' } })).body.role).toBe('operator');
      const created = await call('POST', '/api/workflows', { headers: s.headers, body: draft });
      expect(created.status).toBe(201);
      expect(created.body.author).toBe(s.username);

      expect((await call('PATCH', `/api/users/${s.username}`, { headers: admin.headers, body: { password: 'a brand new password' } })).status).toBe(200);
      expect((await call('GET', '/api/me', { headers: s.headers })).status).toBe(401);
      expect((await login(s.username, s.password)).status).toBe(401);
      expect((await login(s.username, 'a brand new password')).status).toBe(200);
    });
  });

  describe('API keys', () => {
    it('shows the key once, lists it without the key, records its use, and refuses it at once when revoked', async () => {
      const created = await call('POST', '/api/api-keys', { headers: admin.headers, body: { name: 'LIMS import', role: 'operator' } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), key: expect.stringMatching(/^ivk_[A-Za-z0-9_-]{43}$/), name: 'LIMS import', role: 'operator', deck: null, createdAt: expect.any(String) });
      const key = created.body.key as string;

      const me = await call('GET', '/api/me', { headers: bearer(key) });
      expect(me.body).toEqual({ kind: 'key', id: created.body.id, name: 'LIMS import', role: 'operator', deck: null });

      const listed = await call('GET', '/api/api-keys', { headers: admin.headers });
      const row = (listed.body.items as Record<string, unknown>[]).find((k) => k.id === created.body.id);
      expect(row).toEqual({
        id: created.body.id, name: 'LIMS import', prefix: key.slice(0, 12), role: 'operator', deck: null, createdBy: admin.username,
        createdAt: expect.any(String), lastUsedAt: expect.any(String), revokedAt: null,
      });
      expect(JSON.stringify(listed.body)).not.toContain(key.slice(12));

      expect((await call('DELETE', `/api/api-keys/${created.body.id as string}`, { headers: admin.headers })).status).toBe(204);
      const refused = await call('GET', '/api/me', { headers: bearer(key) });
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/revoked/);
      const after = await call('GET', '/api/api-keys', { headers: admin.headers });
      expect((after.body.items as Record<string, unknown>[]).find((k) => k.id === created.body.id)?.revokedAt).toEqual(expect.any(String));
    });

    it('records the key name as the author of what it writes', async () => {
      const key = await gw.auth.apiKey(admin, { role: 'operator', name: 'nightly script' });
      const res = await call('POST', '/api/workflows', { headers: key.headers, body: { name: unique('wf'), script_dict: { prep: [], script: [], cleanup: [] } } });
      expect(res.status).toBe(201);
      expect(res.body.author).toBe('nightly script');
    });

    it('validates keys: names, roles, deck names, no admin key limited to a deck; 404 for unknown ids', async () => {
      const bad = async (body: unknown) => {
        const res = await call('POST', '/api/api-keys', { headers: admin.headers, body });
        return [res.status, (res.body.errors as { path: string }[] | undefined)?.map((e) => e.path)];
      };
      expect(await bad({ name: '', role: 'viewer' })).toEqual([400, ['name']]);
      expect(await bad({ name: 'x'.repeat(101), role: 'viewer' })).toEqual([400, ['name']]);
      expect(await bad({ name: 'k', role: 'owner' })).toEqual([400, ['role']]);
      expect(await bad({ name: 'k', role: 'viewer', deck: 'has:colon' })).toEqual([400, ['deck']]);
      expect(await bad({ name: 'k', role: 'admin', deck: 'lab-a' })).toEqual([400, ['deck']]);
      expect(await bad({ name: 'k', role: 'viewer', key: 'ivk_mine' })).toEqual([400, ['key']]);
      expect((await call('DELETE', '/api/api-keys/3f2b1c4d-0000-4000-8000-000000000000', { headers: admin.headers })).status).toBe(404);
      expect((await call('DELETE', '/api/api-keys/not-a-uuid', { headers: admin.headers })).status).toBe(400);
    });

    it('keeps a deck-scoped key to its deck: 403 for other decks named in the request, other runs hidden', async () => {
      const em = gw.app.get(EntityManager).fork();
      const snapshot = { name: 'wf', deck: null, status: 'editing' as const, author: 'x', script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] } };
      const mine = em.create(WorkflowRun, { name: unique('mine'), deck: 'lab-a', workflowSnapshot: snapshot, status: 'completed' });
      const theirs = em.create(WorkflowRun, { name: unique('theirs'), deck: 'lab-b', workflowSnapshot: snapshot, status: 'completed' });
      await em.flush();
      const key = await gw.auth.apiKey(admin, { role: 'operator', deck: 'lab-a' });

      expect((await call('GET', '/api/me', { headers: key.headers })).body.deck).toBe('lab-a');
      const list = await call('GET', '/api/runs?perPage=500', { headers: key.headers });
      const decks = new Set((list.body.items as { deck: string }[]).map((r) => r.deck));
      expect([...decks]).toEqual(['lab-a']);
      expect((await call('GET', `/api/runs/${mine.id}`, { headers: key.headers })).status).toBe(200);
      expect((await call('GET', `/api/runs/${theirs.id}`, { headers: key.headers })).status).toBe(404);
      expect((await call('GET', `/api/runs/${theirs.id}/results`, { headers: key.headers })).status).toBe(404);
      expect((await call('DELETE', `/api/runs/${theirs.id}`, { headers: key.headers })).status).toBe(404);
      expect((await call('GET', '/api/runs?deck=lab-b', { headers: key.headers })).status).toBe(403);
      expect((await call('GET', '/api/decks/lab-b', { headers: key.headers })).status).toBe(403);
      expect((await call('POST', '/api/decks/lab-b/instruments/deck.sdl/analyze', { headers: key.headers, body: {} })).status).toBe(403);
      // An unscoped viewer sees both.
      const viewer = await gw.auth.session('viewer');
      expect((await call('GET', `/api/runs/${theirs.id}`, { headers: viewer.headers })).status).toBe(200);
      expect((await call('DELETE', `/api/runs/${theirs.id}`, { headers: viewer.headers })).status).toBe(403);
    });
  });

  // Last: demotes every admin but one.
  describe('the last enabled admin', () => {
    it('cannot be demoted or disabled (409), by one request or two at once', async () => {
      const em = gw.app.get(EntityManager).fork();
      const a = await gw.auth.session('admin');
      const b = await gw.auth.session('admin');
      await em.nativeUpdate(User, { role: 'admin', id: { $nin: [a.id, b.id] } }, { role: 'operator' });

      // Two admins demoting each other at the same moment: exactly one may win. The loser gets
      // 409, or 403 when the winner committed before the loser's request passed the guard.
      const both = await Promise.all([
        call('PATCH', `/api/users/${b.username}`, { headers: a.headers, body: { role: 'viewer' } }),
        call('PATCH', `/api/users/${a.username}`, { headers: b.headers, body: { role: 'viewer' } }),
      ]);
      const statuses = both.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect([[403], [409]]).toContainEqual(statuses.filter((s) => s !== 200));
      const last = both[0].status === 200 ? a : b;
      expect(await em.count(User, { role: 'admin', disabled: false })).toBe(1);

      const demote = await call('PATCH', `/api/users/${last.username}`, { headers: last.headers, body: { role: 'operator' } });
      expect(demote.status).toBe(409);
      expect(demote.body.errors).toEqual([{ path: 'role', message: expect.any(String) }]);
      const disable = await call('PATCH', `/api/users/${last.username}`, { headers: last.headers, body: { disabled: true } });
      expect(disable.status).toBe(409);
      expect(disable.body.errors).toEqual([{ path: 'disabled', message: expect.any(String) }]);
      // Other changes to the last admin are fine, and with a second admin it can step down.
      expect((await call('PATCH', `/api/users/${last.username}`, { headers: last.headers, body: { role: 'admin' } })).status).toBe(200);
      expect((await call('PATCH', '/api/users/admin', { headers: last.headers, body: { role: 'admin' } })).status).toBe(200);
      expect((await call('PATCH', `/api/users/${last.username}`, { headers: last.headers, body: { role: 'viewer' } })).status).toBe(200);
      expect((await call('GET', '/api/users', { headers: last.headers })).status).toBe(403);
    });
  });
});
