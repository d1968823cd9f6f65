import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import type { DeckSchema, ErrorBody } from '@ivoryos/contracts';
import { Deck, WorkflowRun } from '@ivoryos/db';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const LIMS = 'https://lims.example.org';
const schema = JSON.parse(readFileSync(join(__dirname, '..', 'decks', 'fixtures', 'abstract_sdl.schema.json'), 'utf8')) as DeckSchema;

/** GET or POST with the path exactly as written (fetch would normalise or refuse odd ones). */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** HTTP hardening: security headers, CORS allow-list, body limits, error bodies without internals, webhook targets. */
describe('hostile input', () => {
  let gw: TestGateway;
  let auth: Record<string, string>;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    gw = await startTestGateway({ IVORYOS_CORS_ORIGINS: `${LIMS}, https://other.example.org`, IVORYOS_WEBHOOK_ALLOW: 'hooks.lab.org,10.0.0.0/8', IVORYOS_BODY_LIMIT: '64kb' });
    auth = { authorization: `Bearer ${gw.adminToken}` };
    const em = gw.app.get(EntityManager).fork();
    em.create(Deck, { name: 'hostile_deck', schema: { ...schema, deck: 'hostile_deck' }, schemaHash: schema.hash });
    await em.flush();
    const wf = { name: 'hostile_wf', deck: 'hostile_deck', script_dict: { prep: [], cleanup: [], script: [{ id: 1, uuid: 1, instrument: 'deck.bench', action: 'noop', args: { x: 1 }, return: '' }] } };
    expect((await post('/api/workflows', wf)).status).toBe(201);
  }, 30_000);

  afterAll(() => gw.close());

  it('sends security headers (helmet) and no X-Powered-By', async () => {
    const res = await fetch(`${gw.url}/api/health`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('allows only the listed origins (CORS), with credentials', async () => {
    const preflight = (origin: string) =>
      fetch(`${gw.url}/api/runs`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight(LIMS);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(LIMS);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const refused = await preflight('https://evil.example.com');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${gw.url}/api/health`, { headers: { origin: 'https://evil.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${gw.url}/api/health`, { headers: { origin: LIMS } })).headers.get('access-control-allow-origin')).toBe(LIMS);
  });

  it('refuses bodies over the limit (413) and malformed JSON (400), naming the body', async () => {
    const big = await post('/api/workflows', { name: 'big', description: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ statusCode: 413, errors: [{ path: 'body', message: 'body is larger than the limit of 64kb' }] });
    const bad = await post('/api/workflows', '{"name": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).errors?.[0].path).toBe('body');
  });

  it('refuses deep nesting and text PostgreSQL cannot store, naming the field', async () => {
    const deep = `{"name":"deep","metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const nested = await post('/api/runs', deep);
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as ErrorBody).errors?.[0]).toEqual({ path: expect.stringMatching(/^metadata(\.a)+$/), message: 'nests deeper than 100 levels' });
    const nul = await fetch(`${gw.url}/api/runs?name=a%00b`, { headers: auth });
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as ErrorBody).errors).toEqual([{ path: 'name', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }]);
    const surrogate = await post('/api/workflows', '{"name": "x\\ud800"}');
    expect(((await surrogate.json()) as ErrorBody).errors?.[0].path).toBe('name');
  });

  it('answers odd paths with a JSON 400 or 404, never a stack trace', async () => {
    for (const path of ['/api/decks/%E0%A4%A', '/api/decks/%', '/api/workflows/a%00b', '/api/runs/..%2F..%2Fetc%2Fpasswd', '/api/nope', '/api/decks/x/instruments/constructor/noop']) {
      const res = await raw(gw.url, path.includes('instruments') ? 'POST' : 'GET', path, { ...auth, 'content-type': 'application/json' }, path.includes('instruments') ? '{}' : undefined);
      expect([path, res.status < 500]).toEqual([path, true]);
      expect(String(res.headers['content-type'])).toContain('application/json');
      expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|Error:/);
      expect(JSON.parse(res.text)).toMatchObject({ statusCode: res.status, message: expect.any(String) });
    }
  });

  it('validates instrument and method path parameters', async () => {
    const res = await raw(gw.url, 'POST', '/api/decks/hostile_deck/instruments/deck.sdl/a%20b', { ...auth, 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).errors[0].path).toBe('method');
  });

  it('refuses webhook targets outside IVORYOS_WEBHOOK_ALLOW when the run is submitted (400 at notify[i])', async () => {
    const refused = await post('/api/runs', { workflow: 'hostile_wf', notify: ['https://hooks.lab.org/run', 'http://169.254.169.254/latest/meta-data', 'https://user:pw@hooks.lab.org/x'] });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { errors: { path: string; message: string }[] };
    expect(body.errors).toEqual([
      { path: 'notify[1]', message: '169.254.169.254:80 is not in IVORYOS_WEBHOOK_ALLOW' },
      { path: 'notify[2]', message: 'must not carry credentials (user:password@)' },
    ]);
    expect(await gw.app.get(EntityManager).fork().count(WorkflowRun, {})).toBe(0);
    const accepted = await post('/api/runs', { workflow: 'hostile_wf', notify: ['https://hooks.lab.org/run', 'http://10.1.2.3:8080/hook', 'https://lab-hooks.internal/x'] });
    expect(accepted.status).toBe(201);
    const run = await gw.app.get(EntityManager).fork().findOneOrFail(WorkflowRun, { id: ((await accepted.json()) as { id: string }).id });
    expect(run.notify).toEqual(['https://hooks.lab.org/run', 'http://10.1.2.3:8080/hook', 'https://lab-hooks.internal/x']);
  });
});
