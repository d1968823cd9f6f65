import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { waitFor } from '../testing/test-agent';

interface Line {
  msg: string;
  method?: string;
  path?: string;
  status?: number;
  ms?: number;
  actor?: string | null;
  req?: { headers?: Record<string, string> };
}

const lines = (gw: TestGateway): Line[] => {
  const file = join(gw.config.dataDir, 'default.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line) : [];
};

async function requestLines(gw: TestGateway, path: string, count: number): Promise<Line[]> {
  // The log file is written asynchronously.
  return waitFor(() => {
    const found = lines(gw).filter((l) => l.path === path);
    return found.length >= count ? found : undefined;
  }, 10_000, `${count} log line(s) for ${path}`);
}

describe('request log: one concise line per request; headers only at debug', () => {
  let info: TestGateway | undefined;
  let debug: TestGateway | undefined;
  afterAll(async () => {
    await info?.close();
    await debug?.close();
  });

  it('at info: method, path, status, ms and actor, nothing else of the request', async () => {
    info = await startTestGateway({ LOG_LEVEL: 'info' });
    const auth = { authorization: `Bearer ${info.adminToken}` };
    for (let i = 0; i < 3; i++) expect((await fetch(`${info.url}/api/decks?page=${i + 1}`, { headers: { ...auth, 'x-custom': 'visible-only-at-debug' } })).status).toBe(200);
    expect((await fetch(`${info.url}/api/runs`)).status).toBe(401);
    const decks = await requestLines(info, '/api/decks', 3);
    expect(decks).toHaveLength(3);
    for (const line of decks) {
      expect(line).toMatchObject({ msg: 'request completed', method: 'GET', path: '/api/decks', status: 200, actor: 'admin', ms: expect.any(Number) });
      expect(line.req).toBeUndefined();
    }
    const [refused] = await requestLines(info, '/api/runs', 1);
    expect(refused).toMatchObject({ method: 'GET', status: 401, actor: null });
    expect(readFileSync(join(info.config.dataDir, 'default.log'), 'utf8')).not.toContain('visible-only-at-debug');
  });

  it('at debug: the headers too, with credentials redacted', async () => {
    debug = await startTestGateway({ LOG_LEVEL: 'debug' });
    await fetch(`${debug.url}/api/decks`, { headers: { authorization: `Bearer ${debug.adminToken}`, 'x-custom': 'visible-only-at-debug' } });
    const [line] = await requestLines(debug, '/api/decks', 1);
    expect(line).toMatchObject({ method: 'GET', path: '/api/decks', status: 200, actor: 'admin' });
    expect(line.req?.headers).toMatchObject({ 'x-custom': 'visible-only-at-debug', authorization: '[Redacted]' });
  });
});
