import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..', '..');

describe('the web UI\'s API types', () => {
  it('match the committed openapi.json (regenerate with npm run web:api-types)', () => {
    const cli = resolve(root, 'node_modules/openapi-typescript/bin/cli.js');
    const res = spawnSync(process.execPath, [cli, 'apps/gateway/openapi.json', '-o', 'apps/web/src/api/schema.d.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect(`${res.stdout}${res.stderr}`).not.toMatch(/not up-to-date/);
    expect(res.status).toBe(0);
  }, 60_000);
});
