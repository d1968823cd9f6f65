import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayEnv } from '../config/env';
import { resolveJwtSecret } from './jwt-secret';

describe('resolveJwtSecret', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ivoryos-secret-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const config = (env: Record<string, string> = {}, production = false) => ({ env: parseGatewayEnv(env), production, dataDir });

  it('uses IVORYOS_JWT_SECRET when set and writes nothing', () => {
    expect(resolveJwtSecret(config({ IVORYOS_JWT_SECRET: 'x'.repeat(20) }))).toEqual({ secret: 'x'.repeat(20), source: 'env' });
    expect(() => statSync(join(dataDir, 'jwt-secret'))).toThrow();
  });

  it('generates one secret, mode 600, and keeps it across restarts', () => {
    const first = resolveJwtSecret(config());
    expect(first.source).toBe(join(dataDir, 'jwt-secret'));
    expect(first.secret.length).toBeGreaterThanOrEqual(64);
    expect(statSync(first.source).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret(config())).toEqual(first);
  });

  it('never generates one in production', () => {
    expect(() => resolveJwtSecret(config({}, true))).toThrow(/IVORYOS_JWT_SECRET/);
  });

  it('refuses a file that holds too short a secret', () => {
    writeFileSync(join(dataDir, 'jwt-secret'), 'short\n');
    expect(() => resolveJwtSecret(config())).toThrow(/no usable secret/);
  });
});
