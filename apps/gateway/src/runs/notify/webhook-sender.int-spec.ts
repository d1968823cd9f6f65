import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhookAllowList } from './webhook-allow';
import { postWebhook, type WebhookPost } from './webhook-sender';

/** Real sockets on loopback: what one attempt comes to for each kind of receiver. */
describe('postWebhook', () => {
  let server: Server;
  let port: number;
  const seen: { path: string; body: string; headers: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body, headers: req.headers });
        if (req.url === '/silent') return; // never answers
        if (req.url === '/redirect') {
          res.writeHead(302, { location: '/ok' }).end();
          return;
        }
        res.writeHead(req.url === '/teapot' ? 418 : 200).end('a body nobody reads');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, over: Partial<WebhookPost> = {}) =>
    postWebhook({ url: `http://127.0.0.1:${port}${path}`, body: '{"x":1}', headers: { 'X-Test': 'yes' }, timeoutMs: 2000, allow: [], ...over });

  it('sends the body and headers and reports the status', async () => {
    expect(await post('/ok')).toEqual({ kind: 'response', status: 200 });
    expect(seen.at(-1)).toMatchObject({ path: '/ok', body: '{"x":1}', headers: { 'x-test': 'yes', 'content-type': 'application/json', 'content-length': '7' } });
    expect(await post('/teapot')).toEqual({ kind: 'response', status: 418 });
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    expect(await post('/redirect')).toEqual({ kind: 'response', status: 302 });
    expect(seen.slice(before).map((s) => s.path)).toEqual(['/redirect']);
  });

  it('gives up on a receiver that does not answer in time, and on one that is not there', async () => {
    const started = Date.now();
    expect(await post('/silent', { timeoutMs: 300 })).toEqual({ kind: 'network', error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    const closed = await postWebhook({ url: 'http://127.0.0.1:1/', body: '{}', headers: {}, timeoutMs: 2000, allow: [] });
    expect(closed).toMatchObject({ kind: 'network', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('checks the allow list on the URL, and on the resolved address of a host name', async () => {
    const allow = parseWebhookAllowList('127.0.0.1/32');
    expect(await post('/ok', { allow })).toEqual({ kind: 'response', status: 200 });
    // `localhost` is in no name entry: admitted because it resolves to 127.0.0.1, and only that address is used.
    expect(await post('/ok', { url: `http://localhost:${port}/by-name`, allow })).toEqual({ kind: 'response', status: 200 });
    expect(seen.at(-1)?.path).toBe('/by-name');
    const before = seen.length;
    expect(await post('/ok', { url: `http://localhost:${port}/x`, allow: parseWebhookAllowList('10.0.0.0/8') })).toEqual({
      kind: 'refused', reason: expect.stringContaining('localhost resolves to 127.0.0.1'),
    });
    expect(await post('/ok', { allow: parseWebhookAllowList('hooks.example.org') })).toEqual({
      kind: 'refused', reason: `127.0.0.1:${port} is not in IVORYOS_WEBHOOK_ALLOW`,
    });
    expect(seen.length).toBe(before);
  });
});
