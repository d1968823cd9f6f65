import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const COMMITTED = join(__dirname, '..', '..', 'openapi.json');

/** The API contract integrators code against is committed; any change to it is a reviewed diff. */
describe('openapi.json', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('matches the document the gateway serves (npm run openapi regenerates it)', async () => {
    const served = await (await fetch(`${gw.url}/api/docs-json`)).json();
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, text);
    expect(existsSync(COMMITTED)).toBe(true);
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(served);
  });

  it('documents every operation with a tag, a summary and a success response', async () => {
    const served = (await (await fetch(`${gw.url}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>>;
    };
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(served.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.tags?.length) problems.push(`${method} ${path}: no tag`);
        if (!op.summary) problems.push(`${method} ${path}: no summary`);
        if (!Object.keys(op.responses ?? {}).some((code) => code.startsWith('2'))) problems.push(`${method} ${path}: no 2xx response`);
      }
    }
    expect(problems).toEqual([]);
  });
});
