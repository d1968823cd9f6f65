import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OptimizerConfig } from '@ivoryos/optimizer';
import { httpSuggester } from './http-suggester';

const CONFIG: OptimizerConfig = { parameters: { x: { min: 0, max: 10 }, k: { value: 'a' } }, objectives: [{ output: 'y', direction: 'min' }] };
const TRIALS = [{ parameters: { x: 1, k: 'a' }, status: 'completed' as const, outputs: { y: 2 }, suggestedBy: 'initial' as const }];

/** A one-route service answering `reply(body)` as JSON (a string is sent as is, with status 200 unless a status is given). */
async function service(reply: (body: unknown) => { status?: number; body: unknown }): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as unknown;
      bodies.push(body);
      const answer = reply(body);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/suggest`, bodies, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});
async function serve(reply: (body: unknown) => { status?: number; body: unknown }) {
  const s = await service(reply);
  servers.push(s.server);
  return s;
}

describe('httpSuggester', () => {
  it('posts the campaign and takes the answered points as model suggestions', async () => {
    const { url, bodies } = await serve(() => ({ body: { points: [{ x: 3, k: 'a' }, { x: 10, k: 'a' }] } }));
    const got = await httpSuggester(url)(CONFIG, TRIALS, 5, 2);
    expect(bodies).toEqual([{ config: CONFIG, trials: TRIALS, seed: 5, count: 2 }]);
    expect(got.map((s) => s.parameters)).toEqual([{ x: 3, k: 'a' }, { x: 10, k: 'a' }]);
    expect(got[0]).toMatchObject({ suggestedBy: 'model', acquisition: null, note: 'external optimizer', fitMs: expect.any(Number) });
  });

  it.each([
    ['an error status', { status: 500, body: 'boom' }, /answered HTTP 500: boom/],
    ['no JSON', { body: 'not json' }, /other than JSON/],
    ['a point outside the space', { body: { points: [{ x: 11, k: 'a' }] } }, /bad points: points\[0\]\.x must be within \[0, 10\]/],
    ['too many points', { body: { points: [{ x: 1, k: 'a' }, { x: 2, k: 'a' }] } }, /bad points: points must hold 1 point, not 2/],
  ])('throws on %s', async (_what, answer, message) => {
    const { url } = await serve(() => answer);
    await expect(httpSuggester(url)(CONFIG, TRIALS, 5, 1)).rejects.toThrow(message);
  });

  it('throws when the service is unreachable or too slow', async () => {
    const { url, server } = await service(() => ({ body: {} }));
    await new Promise((resolve) => server.close(resolve));
    await expect(httpSuggester(url)(CONFIG, TRIALS, 5, 1)).rejects.toThrow(/unreachable: ECONNREFUSED/);
    const slow = createServer(() => undefined); // never answers
    servers.push(slow);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
    await expect(httpSuggester(slowUrl, 100)(CONFIG, TRIALS, 5, 1)).rejects.toThrow(/gave no answer within 0.1 s/);
    slow.closeAllConnections();
  });
});
