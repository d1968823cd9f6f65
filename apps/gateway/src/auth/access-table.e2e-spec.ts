import { randomUUID } from 'node:crypto';
import type { TestApiKey, TestSession } from '@ivoryos/testing';
import { AccessAudit } from './access-audit';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis';
import { roleAllows, type AccessLevel } from './roles';
import { startAuthTestGateway, type AuthTestGateway } from './testing/auth-test-gateway';

/**
 * Who may call what: one row per operation of the served OpenAPI document. A route missing here
 * fails this test, and so does a row that disagrees with the route's @Access declaration.
 */
const EXPECTED: Record<string, AccessLevel> = {
  'GET /api/health': 'public',
  'GET /api/health/live': 'public',
  'GET /api/health/ready': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'POST /api/auth/logout': 'viewer',
  'GET /api/me': 'viewer',
  'POST /api/users': 'admin',
  'GET /api/users': 'admin',
  'PATCH /api/users/{username}': 'admin',
  'POST /api/api-keys': 'admin',
  'GET /api/api-keys': 'admin',
  'DELETE /api/api-keys/{id}': 'admin',
  'GET /api/decks': 'viewer',
  'GET /api/decks/{deck}': 'viewer',
  'GET /api/decks/{deck}/proxy.ts': 'viewer',
  'POST /api/decks/{deck}/token': 'admin',
  'DELETE /api/decks/{deck}/token': 'admin',
  'POST /api/decks/{deck}/restart': 'operator',
  'POST /api/decks/{deck}/instruments/{instrument}/{method}': 'operator',
  'GET /api/control-steps': 'viewer',
  'GET /api/control-steps/{id}': 'viewer',
  'GET /api/workflows': 'viewer',
  'POST /api/workflows': 'operator',
  'POST /api/workflows/import': 'operator',
  'POST /api/workflows/validate': 'operator',
  'POST /api/workflows/render': 'operator',
  'GET /api/workflows/{name}': 'viewer',
  'PUT /api/workflows/{name}': 'operator',
  'DELETE /api/workflows/{name}': 'operator',
  'POST /api/workflows/{name}/save-as': 'operator',
  'POST /api/workflows/{name}/finalize': 'operator',
  'POST /api/workflows/{name}/register': 'operator',
  'POST /api/workflows/{name}/validate': 'viewer',
  'GET /api/workflows/{name}/code': 'viewer',
  'GET /api/workflows/{name}/export': 'viewer',
  'GET /api/runs': 'viewer',
  'GET /api/runs/{id}': 'viewer',
  'DELETE /api/runs/{id}': 'operator',
  'GET /api/runs/{id}/steps': 'viewer',
  'GET /api/runs/{id}/results': 'viewer',
  'GET /api/runs/{id}/trials': 'viewer',
  'GET /api/runs/{id}/results.csv': 'viewer',
  'GET /api/runs/{id}/steps.csv': 'viewer',
  'GET /api/runs/{id}/events': 'viewer',
  'GET /api/runs/{id}/log': 'viewer',
  'POST /api/runs': 'operator',
  'PATCH /api/runs/{id}': 'operator',
  'POST /api/runs/{id}/cancel': 'operator',
  'POST /api/runs/{id}/pause': 'operator',
  'POST /api/runs/{id}/resume': 'operator',
  'POST /api/runs/{id}/retry': 'operator',
  'POST /api/runs/{id}/skip': 'operator',
  'POST /api/runs/{id}/stop': 'operator',
  'POST /api/runs/{id}/input': 'operator',
  'POST /api/runs/{id}/trials': 'operator',
  'GET /api/attention': 'viewer',
  'GET /api/decks/{deck}/queue': 'viewer',
  'POST /api/decks/{deck}/queue/move': 'operator',
  'POST /api/decks/{deck}/queue/pause': 'operator',
  'POST /api/decks/{deck}/queue/resume': 'operator',
  'GET /api/audit': 'admin',
};

/**
 * Routes left out of the OpenAPI document on purpose (IvoryOS compatibility for its generated
 * Python proxies, which expect a login redirect rather than 401; the Prometheus scrape, which
 * applies its own rule: scrape token, admin, or loopback outside production), keyed
 * `Controller.handler`.
 */
const UNDOCUMENTED: Record<string, AccessLevel> = {
  'IvoryosCompatController.home': 'viewer',
  'IvoryosCompatController.loginPage': 'public',
  'IvoryosCompatController.login': 'public',
  'IvoryosCompatController.call': 'operator',
  'IvoryosCompatController.task': 'viewer',
  'IvoryosCompatController.snapshot': 'viewer',
  'IvoryosLibraryController.list': 'viewer',
  'IvoryosLibraryController.load': 'viewer',
  'IvoryosLibraryController.submitPython': 'operator',
  'IvoryosExecutionsController.config': 'operator',
  'IvoryosExecutionsController.campaign': 'operator',
  'IvoryosExecutionsController.optimizerSchema': 'viewer',
  'IvoryosExecutionsController.status': 'viewer',
  'IvoryosExecutionsController.queue': 'viewer',
  'IvoryosExecutionsController.pauseResume': 'operator',
  'IvoryosExecutionsController.abortPending': 'operator',
  'IvoryosExecutionsController.abortCurrent': 'operator',
  'IvoryosExecutionsController.retry': 'operator',
  'IvoryosExecutionsController.currentTask': 'viewer',
  'IvoryosExecutionsController.queuedTask': 'viewer',
  'IvoryosExecutionsController.queueDelete': 'operator',
  'IvoryosExecutionsController.queueReorder': 'operator',
  'IvoryosExecutionsController.queueRename': 'operator',
  'IvoryosExecutionsController.list': 'viewer',
  'IvoryosExecutionsController.detail': 'viewer',
  'MetricsController.scrape': 'public',
};

/** The deck path and query parameters name; the scoped key below is limited to another one. */
const DECK = 'lab-a';
const OTHER_DECK = 'lab-b';
const TARGET_USER = 'table-target';

interface Operation {
  key: string;
  method: string;
  path: string;
  operationId: string;
  parameters: { name: string; in: string }[];
  hasBody: boolean;
}

type Identity = 'anonymous' | 'viewer' | 'operator' | 'admin' | 'revoked key' | 'key of another deck';
const IDENTITIES: Identity[] = ['anonymous', 'viewer', 'operator', 'admin', 'revoked key', 'key of another deck'];
type Outcome = 401 | 403 | 'allowed';

function expectedOutcome(identity: Identity, access: AccessLevel, op: Operation): Outcome {
  if (access === 'public') return 'allowed';
  if (identity === 'anonymous' || identity === 'revoked key') return 401;
  if (identity === 'key of another deck') {
    if (!roleAllows('operator', access)) return 403;
    return op.parameters.some((p) => p.name === 'deck' && (p.in === 'path' || p.in === 'query')) ? 403 : 'allowed';
  }
  return roleAllows(identity, access) ? 'allowed' : 403;
}

function outcomeOf(status: number): Outcome {
  return status === 401 || status === 403 ? status : 'allowed';
}

const PATH_VALUES: Record<string, string> = { deck: DECK, name: 'table-wf', username: TARGET_USER, instrument: 'deck.sdl', method: 'analyze' };

function urlFor(op: Operation): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(name === 'id' ? randomUUID() : PATH_VALUES[name] ?? 'x'));
  return op.parameters.some((p) => p.name === 'deck' && p.in === 'query') ? `${path}?deck=${DECK}` : path;
}

describe('access to every route in the OpenAPI document', () => {
  let redis: PrivateRedis;
  let gw: AuthTestGateway;
  let ops: Operation[];
  let headers: Record<Identity, Record<string, string>>;
  let users: Partial<Record<Identity, TestSession>>;
  /** Signing out revokes the token used: that route gets a fresh sign-in of the same user. */
  const headersFor = async (op: Operation, identity: Identity): Promise<Record<string, string>> => {
    const user = users[identity];
    return op.key === 'POST /api/auth/logout' && user ? (await gw.auth.login(user)).headers : headers[identity];
  };

  beforeAll(async () => {
    // Issuing and revoking deck tokens changes Redis ACL users, which are global to a server.
    redis = await startPrivateRedis();
    gw = await startAuthTestGateway({ env: { REDIS_URL: redis.url } });
    const { viewer, operator, admin } = await gw.auth.sessions();
    await gw.auth.createUser({ role: 'viewer', username: TARGET_USER });
    const revoked: TestApiKey = await gw.auth.apiKey(admin, { role: 'admin' });
    await gw.auth.revokeApiKey(admin, revoked.id);
    const scoped = await gw.auth.apiKey(admin, { role: 'operator', deck: OTHER_DECK });
    const h = (s: TestSession | TestApiKey) => s.headers;
    headers = { anonymous: {}, viewer: h(viewer), operator: h(operator), admin: h(admin), 'revoked key': h(revoked), 'key of another deck': h(scoped) };
    users = { viewer, operator, admin };

    const res = await fetch(`${gw.url}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
    };
    ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, operationId: op.operationId,
        parameters: op.parameters ?? [], hasBody: op.requestBody !== undefined,
      })),
    );
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
  });

  it('has a row for every operation, and no row for an operation that is gone', () => {
    const served = ops.map((o) => o.key);
    expect(served.filter((k) => !(k in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !served.includes(k))).toEqual([]);
  });

  it("matches each route's @Access declaration", () => {
    const declared = new Map(gw.app.get(AccessAudit).routes().map((r) => [`${r.controller.replace(/Controller$/, '')}_${r.handler}`, r.access]));
    const disagreements = ops
      .filter((o) => o.key in EXPECTED && declared.get(o.operationId) !== EXPECTED[o.key])
      .map((o) => `${o.key}: declared ${declared.get(o.operationId)}, table says ${EXPECTED[o.key]}`);
    expect(disagreements).toEqual([]);
  });

  it('knows every route left out of the document, with its declared access', () => {
    const documented = new Set(ops.map((o) => o.operationId));
    const wrong = gw.app.get(AccessAudit).routes()
      .filter((r) => !documented.has(`${r.controller.replace(/Controller$/, '')}_${r.handler}`))
      .filter((r) => UNDOCUMENTED[`${r.controller}.${r.handler}`] !== r.access)
      .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler}): declared ${r.access}, table says ${UNDOCUMENTED[`${r.controller}.${r.handler}`]}`);
    expect(wrong).toEqual([]);
  });

  it('answers 401 without valid credentials, 403 beyond the role or deck, and neither otherwise', async () => {
    const wrong: string[] = [];
    for (const op of ops) {
      const access = EXPECTED[op.key];
      if (!access) continue;
      for (const identity of IDENTITIES) {
        const res = await fetch(`${gw.url}${urlFor(op)}`, {
          method: op.method,
          headers: { ...(await headersFor(op, identity)), ...(op.hasBody ? { 'content-type': 'application/json' } : {}) },
          body: op.hasBody ? '{}' : undefined,
        });
        await res.arrayBuffer();
        const want = expectedOutcome(identity, access, op);
        const got = outcomeOf(res.status);
        if (got !== want) wrong.push(`${op.key} as ${identity}: expected ${want}, got ${res.status}`);
        if (res.status === 401 && !res.headers.get('www-authenticate')) wrong.push(`${op.key} as ${identity}: 401 without WWW-Authenticate`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('serves the docs without credentials', async () => {
    expect((await fetch(`${gw.url}/api/docs`)).status).toBe(200);
  });
});
