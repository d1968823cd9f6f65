import type { EntityManager } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes, scryptSync } from 'node:crypto';
import { ormOptions, User, type UserRole } from '@ivoryos/db';

/** Name of the session cookie the gateway sets at login. */
export const TEST_SESSION_COOKIE = 'ivoryos_session';

/** Headers that authenticate as a token or an API key. */
export function bearer(credential: string): { authorization: string } {
  return { authorization: `Bearer ${credential}` };
}

export interface TestUserSpec {
  role: UserRole;
  /** Default: `<role>-<random>`. */
  username?: string;
  /** Default: a random 24-character password. */
  password?: string;
  disabled?: boolean;
}

export interface TestUserRow {
  id: string;
  username: string;
  password: string;
  role: UserRole;
}

/** A signed-in user: tokens from a real login, and headers ready for fetch or supertest. */
export interface TestSession extends TestUserRow {
  accessToken: string;
  refreshToken: string;
  /** `ivoryos_session=<jwt>`, as a Cookie header value. */
  cookie: string;
  headers: { authorization: string };
}

export interface TestApiKey {
  id: string;
  key: string;
  name: string;
  role: UserRole;
  deck: string | null;
  headers: { authorization: string };
}

export interface TestAuthOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:41234` (no `/api`). */
  baseUrl: string;
  /** The gateway's entity manager (in-process tests: `app.get(EntityManager)`); forked per use. */
  em?: EntityManager;
  /** Or the gateway's database URL, for a gateway in another process. */
  dbUrl?: string;
}

// Test users need no brute-force resistance; a cheap hash keeps suites fast. The gateway reads the
// scrypt parameters from the hash itself, so these verify like real ones.
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Users of each role written straight into the gateway's database, signed in over HTTP (so the
 * tokens are the gateway's own), and API keys created through the API:
 *
 *   const auth = new TestAuth({ baseUrl: url, em: app.get(EntityManager) });
 *   const admin = await auth.session('admin');
 *   await fetch(`${url}/api/workflows`, { headers: admin.headers });
 *   const key = await auth.apiKey(admin, { role: 'operator', deck: 'lab-a' });
 */
export class TestAuth {
  private orm?: Promise<MikroORM>;

  constructor(private readonly options: TestAuthOptions) {
    if (!options.em && !options.dbUrl) throw new Error('TestAuth needs em or dbUrl');
  }

  /** Creates a user directly in the database (no login). */
  async createUser(spec: TestUserSpec): Promise<TestUserRow> {
    const username = spec.username ?? `${spec.role}-${randomBytes(4).toString('hex')}`;
    const password = spec.password ?? randomBytes(18).toString('base64url');
    const em = (await this.entityManager()).fork();
    const user = em.create(User, {
      username, role: spec.role, disabled: spec.disabled ?? false, passwordHash: cheapHash(password),
    });
    await em.persistAndFlush(user);
    return { id: user.id, username, password, role: spec.role };
  }

  /** Signs in over HTTP; throws unless the gateway answers 200. */
  async login(user: Pick<TestUserRow, 'username' | 'password'> & Partial<TestUserRow>): Promise<TestSession> {
    const res = await fetch(`${this.options.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    if (res.status !== 200) throw new Error(`login as ${user.username} failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { accessToken: string; refreshToken: string; user: { id: string; role: UserRole } };
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`${TEST_SESSION_COOKIE}=`));
    if (!cookie) throw new Error(`login as ${user.username} set no ${TEST_SESSION_COOKIE} cookie`);
    return {
      id: body.user.id, username: user.username, password: user.password, role: body.user.role,
      accessToken: body.accessToken, refreshToken: body.refreshToken, cookie, headers: bearer(body.accessToken),
    };
  }

  /** A new user of this role, signed in. */
  async session(role: UserRole, spec: Omit<TestUserSpec, 'role'> = {}): Promise<TestSession> {
    return this.login(await this.createUser({ ...spec, role }));
  }

  /** One signed-in user per role. */
  async sessions(): Promise<Record<UserRole, TestSession>> {
    const [viewer, operator, admin] = await Promise.all([this.session('viewer'), this.session('operator'), this.session('admin')]);
    return { viewer, operator, admin };
  }

  /** Creates an API key through POST /api/api-keys, as `admin` (a session or key with role admin). */
  async apiKey(admin: { headers: { authorization: string } }, spec: { role: UserRole; deck?: string; name?: string }): Promise<TestApiKey> {
    const name = spec.name ?? `key-${spec.role}-${randomBytes(4).toString('hex')}`;
    const res = await fetch(`${this.options.baseUrl}/api/api-keys`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name, role: spec.role, ...(spec.deck ? { deck: spec.deck } : {}) }),
    });
    if (res.status !== 201) throw new Error(`creating API key ${name} failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { id: string; key: string; deck: string | null };
    return { id: body.id, key: body.key, name, role: spec.role, deck: body.deck, headers: bearer(body.key) };
  }

  /** Revokes a key through DELETE /api/api-keys/:id. */
  async revokeApiKey(admin: { headers: { authorization: string } }, id: string): Promise<void> {
    const res = await fetch(`${this.options.baseUrl}/api/api-keys/${id}`, { method: 'DELETE', headers: admin.headers });
    if (res.status !== 204) throw new Error(`revoking API key ${id} failed: ${res.status} ${await res.text()}`);
  }

  /** Closes the database connection opened for `dbUrl` (nothing to do with `em`). */
  async close(): Promise<void> {
    if (this.orm) await (await this.orm).close(true);
  }

  private async entityManager(): Promise<EntityManager> {
    if (this.options.em) return this.options.em;
    const clientUrl = this.options.dbUrl ?? '';
    this.orm ??= MikroORM.init(ormOptions({ clientUrl, poolMax: 2 }));
    return (await this.orm).em;
  }
}
