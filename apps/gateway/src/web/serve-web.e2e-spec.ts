import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/** A stand-in for the built UI: the gateway's serving is tested apart from the Vite build. */
function fakeWebBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivoryos-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>IvoryOS</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
  return dir;
}

/** A GET with its own Host header (fetch does not let a caller set Host): the page as a lab tablet asks for it. */
function getWithHost(url: string, host: string, headers: Record<string, string>): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    });
    req.on('error', reject);
    req.end();
  });
}

const login = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });

describe('the web UI served by the gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ IVORYOS_WEB_DIR: fakeWebBuild() });
  });
  afterAll(() => gw.close());

  it.each(['/', '/login', '/devices/abstract_sdl', '/runs/42?tab=log', '/design/my_flow'])('answers the client route %s with index.html, never cached', async (path) => {
    const res = await fetch(`${gw.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('serves hashed assets with long caching, and a missing asset is a 404, not the page', async () => {
    const js = await fetch(`${gw.url}/assets/main-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    const missing = await fetch(`${gw.url}/assets/gone.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
  });

  it.each(['/api/no-such-thing', '/api', '/ivoryos/no-such-thing', '/decks/lab_a/ivoryos/no-such-thing', '/metrics', '/ops/no-such-thing'])(
    'never answers %s with the UI',
    async (path) => {
      const res = await fetch(`${gw.url}${path}`, { headers: { accept: 'text/html' } });
      expect(await res.text()).not.toContain('<div id="root">');
    },
  );

  it('keeps an unknown API path a JSON 404', async () => {
    const res = await fetch(`${gw.url}/api/no-such-thing`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(await res.json()).toMatchObject({ statusCode: 404 });
  });

  it('does not answer a POST to a client route with the page', async () => {
    const res = await fetch(`${gw.url}/devices`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('over plain HTTP: no upgrade-insecure-requests and no Secure cookie, even when a proxy it does not trust says https', async () => {
    const variants: Record<string, string>[] = [{}, { 'x-forwarded-proto': 'https' }];
    for (const headers of variants) {
      const page = await getWithHost(`${gw.url}/devices`, 'lab-pc.test:8000', headers);
      expect(page['content-security-policy']).toContain("default-src 'self'");
      expect(page['content-security-policy']).not.toContain('upgrade-insecure-requests');
      // Ignored (with a console error) by browsers on an origin that is neither HTTPS nor localhost.
      expect(page['cross-origin-opener-policy']).toBeUndefined();
      expect((await getWithHost(`${gw.url}/devices`, `localhost:8000`, headers))['cross-origin-opener-policy']).toBe('same-origin');
      const res = await login(gw.url, headers);
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).not.toMatch(/;\s*Secure/i);
    }
  });
});

describe('behind a trusted HTTPS proxy (IVORYOS_TRUST_PROXY)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ IVORYOS_WEB_DIR: fakeWebBuild(), IVORYOS_TRUST_PROXY: 'loopback' });
  });
  afterAll(() => gw.close());

  it('sends upgrade-insecure-requests and a Secure session cookie for requests the proxy received over HTTPS only', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    expect((await fetch(`${gw.url}/`, { headers: https })).headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    expect((await login(gw.url, https)).headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect((await fetch(`${gw.url}/`)).headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect((await login(gw.url)).headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });
});
