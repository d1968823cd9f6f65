import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis';
import { startTestAgent, waitFor, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { bodyMutations, deeplyNested, json, multipartMutations, pick, PATH_TRICKS, QUERY_TRICKS, seededRandom, type FuzzCase } from './mutations';
import { resolve, validValue, type Json, type OpenApiDocument, type Operation } from './openapi-values';
import { closeRawAgent, sendRaw, type RawResponse } from './raw-http';

/** Fixed, so a failure repeats; IVORYOS_FUZZ_SEED explores others. */
const SEED = Number(process.env.IVORYOS_FUZZ_SEED ?? 20261128);
/** Per operation, at most this many of each kind of mutation (chosen with the seed). */
const BUDGET = { body: 80, path: 24, query: 24, header: 6 };
/** An admin for the sign-out route, whose tokens it revokes. */
const SIGN_OUT_ADMIN = { username: 'fuzz-sign-out', password: 'fuzz-password-2' };

async function signIn(base: string, user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  if (res.status !== 200) throw new Error(`sign-in as ${user.username}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Tables that only requests write to (ingestion and webhooks write others in the background). */
const COUNTED = ['workflow', 'workflow_run', 'single_step', 'app_user', 'api_key', 'deck_credential', 'audit_entry', 'run_command', 'revoked_token'];

interface Outcome {
  key: string;
  label: string;
  status: number;
  /** The first 500 characters of the body. */
  text: string;
  errorPaths: boolean;
}

/**
 * Hostile input against every operation of the served OpenAPI document, as admin (so access
 * control refuses nothing): a valid request built from the schema, then mutations of its body,
 * path, query and headers. Nothing may answer 5xx, refusals change no rows, and the gateway's log
 * holds no unexpected error.
 */
describe('API fuzz (every operation, as admin)', () => {
  let redis: PrivateRedis;
  let gw: TestGateway;
  let agent: TestAgent;
  let doc: OpenApiDocument;
  let counts: () => Promise<string>;
  const outcomes: Outcome[] = [];
  const rowChanges: string[] = [];
  const WF = 'fuzz_wf';
  let runId = '';
  let closed = false;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    gw = await startTestGateway({ REDIS_URL: redis.url, IVORYOS_WEBHOOK_ALLOW: '127.0.0.1', LOG_LEVEL: 'warn' });
    agent = startTestAgent({ redisUrl: redis.url });
    const auth = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown) => fetch(`${gw.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    await waitFor(async () => ((await (await fetch(`${gw.url}/api/decks/${agent.deck}`, { headers: auth })).json()) as { online?: boolean }).online || undefined, 30_000, 'the deck online');
    const wf = { name: WF, deck: agent.deck, script_dict: { prep: [], cleanup: [], script: [{ id: 1, uuid: 1, instrument: 'deck.bench', action: 'noop', args: { x: 1 }, return: '' }] } };
    expect((await post('/api/workflows', wf)).status).toBe(201);
    expect((await post('/api/users', { username: 'fuzz-target', password: 'fuzz-password-1', role: 'viewer' })).status).toBe(201);
    expect((await post('/api/users', { username: SIGN_OUT_ADMIN.username, password: SIGN_OUT_ADMIN.password, role: 'admin' })).status).toBe(201);
    const run = await post('/api/runs', { workflow: WF });
    expect(run.status).toBe(201);
    runId = ((await run.json()) as { id: string }).id;
    doc = (await (await fetch(`${gw.url}/api/docs-json`)).json()) as OpenApiDocument;
    const conn = gw.app.get(EntityManager).getConnection();
    const sql = `select ${COUNTED.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`;
    counts = async () => JSON.stringify((await conn.execute<Record<string, string>[]>(sql))[0]);
  }, 90_000);

  afterAll(async () => {
    closeRawAgent();
    await agent?.kill('SIGKILL');
    if (!closed) await gw?.close();
    await redis?.stop();
  });

  it('answers every mutated request without a 5xx, refusals write nothing, and the log has no unexpected error', async () => {
    const random = seededRandom(SEED);
    const started = Date.now();
    const known: Record<string, Json> = {
      workflow: WF, deck: agent.deck, username: 'fuzz-new-user', password: 'fuzz-password-123', name: 'fuzz_new',
      notify: ['http://127.0.0.1:9/hook'], repeat: 1, batchSize: 1, runId,
    };
    let before = await counts();
    for (const [template, byMethod] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(byMethod)) {
        const key = `${method.toUpperCase()} ${template}`;
        for (const c of casesFor(doc, template, method, op, known, random)) {
          let res: RawResponse;
          // Signing out revokes the token it is sent with (or all of its user's): a fresh one of another admin each time.
          const token = key === 'POST /api/auth/logout' ? await signIn(gw.url, SIGN_OUT_ADMIN) : gw.adminToken;
          try {
            res = await sendRaw(gw.url, method.toUpperCase(), `${c.path}${c.query}`, { authorization: `Bearer ${token}`, ...c.headers }, c.body);
          } catch (err) {
            // The server may close the connection while a body over the limit is still being sent.
            if (c.label === 'body over the limit') continue;
            throw new Error(`${key} [${c.label}]: ${(err as Error).message}`);
          }
          outcomes.push({ key, label: c.label, status: res.status, text: res.text.slice(0, 500), errorPaths: hasErrorPaths(res.text) });
          const after = await counts();
          if (res.status >= 400 && after !== before) rowChanges.push(`${key} [${c.label}] ${res.status}: ${before} -> ${after}`);
          before = after;
        }
      }
    }
    // Closing flushes the gateway's log file, read below.
    await gw.close();
    closed = true;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    const fives = outcomes.filter((o) => o.status >= 500);
    const refusals = outcomes.filter((o) => o.status >= 400 && o.status < 500);
    const withPath = refusals.filter((o) => o.status === 400 && o.errorPaths);
    const statusLine = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(`api fuzz: ${outcomes.length} requests in ${seconds} s (seed ${SEED}); ${statusLine}; ${fives.length} × 5xx; ` +
      `${withPath.length}/${refusals.length} refusals are 400 with errors[].path`);

    expect(fives.map((o) => `${o.key} [${o.label}] ${o.status} ${o.text}`)).toEqual([]);
    expect(outcomes.filter((o) => o.text.includes('"errorId"')).map((o) => `${o.key} [${o.label}]`)).toEqual([]);
    expect(outcomes.filter((o) => /\bat \S+ \(.*:\d+:\d+\)|node_modules/.test(o.text)).map((o) => `${o.key} [${o.label}] stack trace`)).toEqual([]);
    expect(rowChanges).toEqual([]);
    expect(outcomes.filter((o) => o.status === 400 && !o.errorPaths).map((o) => `${o.key} [${o.label}] ${o.text}`)).toEqual([]);
    expect(withPath.length / refusals.length).toBeGreaterThan(0.8);
    const log = join(gw.config.dataDir, 'default.log');
    const unexpected = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('Unexpected error')) : [];
    expect(unexpected).toEqual([]);
  }, 240_000);
});

function hasErrorPaths(text: string): boolean {
  try {
    const body = JSON.parse(text) as { errors?: { path?: unknown }[] };
    return Array.isArray(body.errors) && body.errors.length > 0 && body.errors.every((e) => typeof e.path === 'string' && e.path.length > 0);
  } catch {
    return false;
  }
}

/** The valid request, then mutations of each part, a seeded sample of each kind. */
function casesFor(doc: OpenApiDocument, template: string, method: string, op: Operation, known: Record<string, Json>, random: () => number): FuzzCase[] {
  const params = op.parameters ?? [];
  const destructive = method === 'delete';
  const pathValue = (name: string): string => {
    if (destructive) return name === 'id' ? randomUUID() : name === 'deck' ? String(known.deck) : 'fuzz_absent';
    const values: Record<string, string> = {
      deck: String(known.deck), name: String(known.workflow), username: 'fuzz-target', instrument: 'deck.bench', method: 'noop', id: String(known.runId),
    };
    return values[name] ?? randomUUID();
  };
  const fill = (overrides: Record<string, string> = {}) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => overrides[name] ?? encodeURIComponent(pathValue(name)));
  const jsonContent = op.requestBody?.content['application/json'];
  const schema = jsonContent?.schema;
  const body = schema ? validValue(doc, schema, known) : undefined;
  const base: FuzzCase = {
    label: 'valid', path: fill(), query: '', headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    body: body !== undefined ? json(body) : undefined,
  };
  const cases: FuzzCase[] = [base];

  if (schema && body !== undefined) {
    const mutated = bodyMutations(doc, schema, body).map((m) => ({ ...base, label: m.label, body: m.body, headers: { 'content-type': m.contentType ?? 'application/json' } }));
    cases.push(...pick(mutated, BUDGET.body, random));
    if (op.requestBody?.content['multipart/form-data']) {
      const fields = Object.keys(resolve(doc, schema).properties ?? {});
      cases.push(...multipartMutations(fields).map((m) => ({ ...base, label: m.label, body: m.body, headers: { 'content-type': m.contentType } })));
    }
  } else if (method !== 'get') {
    cases.push({ ...base, label: 'unexpected body', body: json({ unexpected: deeplyNested('object') }), headers: { 'content-type': 'application/json' } });
  }

  const pathCases: FuzzCase[] = [];
  for (const p of params.filter((x) => x.in === 'path')) {
    for (const trick of PATH_TRICKS) pathCases.push({ ...base, label: `path ${p.name}=${trick.slice(0, 40)}`, path: fill({ [p.name]: trick }) });
  }
  cases.push(...pick(pathCases, BUDGET.path, random));

  const queryCases: FuzzCase[] = [];
  for (const p of params.filter((x) => x.in === 'query')) {
    for (const trick of QUERY_TRICKS) queryCases.push({ ...base, label: `query ${p.name}=${trick.slice(0, 40)}`, query: `?${p.name}=${trick}` });
    queryCases.push(
      { ...base, label: `query ${p.name} twice`, query: `?${p.name}=a&${p.name}=b` },
      { ...base, label: `query ${p.name}[x]`, query: `?${p.name}[x]=1&${p.name}[y][z]=2` },
    );
  }
  queryCases.push({ ...base, label: 'query __proto__', query: '?__proto__[role]=admin&constructor[prototype][x]=1' }, { ...base, label: 'unknown query', query: '?nope=1' });
  cases.push(...pick(queryCases, BUDGET.query, random));

  const headerCases: FuzzCase[] = [];
  for (const p of params.filter((x) => x.in === 'header')) {
    for (const v of ['', ' ', 'x'.repeat(8000), '\u00e9t\u00e9', '-1', 'null']) headerCases.push({ ...base, label: `header ${p.name}=${v.slice(0, 20)}`, headers: { ...base.headers, [p.name]: v } });
  }
  cases.push(...pick(headerCases, BUDGET.header, random));
  return cases;
}
