import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayEnv } from '../../config/env';
import { resolveWebhookSecret, WEBHOOK_SECRET_FILE } from './webhook-secret';

describe('webhook secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-whs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = (env: Record<string, string>, production = false) => ({ env: parseGatewayEnv(env), production, dataDir: join(dir, 'data') });

  it('uses IVORYOS_WEBHOOK_SECRET when set', () => {
    expect(resolveWebhookSecret(config({ IVORYOS_WEBHOOK_SECRET: 's'.repeat(16) }))).toEqual({ secret: 's'.repeat(16), source: 'env' });
  });

  it('generates one outside production, mode 600, and keeps it across restarts', () => {
    const first = resolveWebhookSecret(config({}))!;
    const file = join(dir, 'data', WEBHOOK_SECRET_FILE);
    expect(first.source).toBe(file);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveWebhookSecret(config({}))).toEqual(first);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
  });

  it('refuses a file too short to be a secret', () => {
    resolveWebhookSecret(config({}));
    writeFileSync(join(dir, 'data', WEBHOOK_SECRET_FILE), 'short\n');
    expect(() => resolveWebhookSecret(config({}))).toThrow('holds no usable secret');
  });

  it('has none in production without the setting (no webhooks then), and never writes a file there', () => {
    expect(resolveWebhookSecret(config({}, true))).toBeNull();
    expect(() => statSync(join(dir, 'data', WEBHOOK_SECRET_FILE))).toThrow();
  });

  it('rejects a short secret and an unreadable allow list at start', () => {
    expect(() => parseGatewayEnv({ IVORYOS_WEBHOOK_SECRET: 'short' })).toThrow('IVORYOS_WEBHOOK_SECRET');
    expect(() => parseGatewayEnv({ IVORYOS_WEBHOOK_ALLOW: '10.0.0.0/99' })).toThrow("IVORYOS_WEBHOOK_ALLOW: '10.0.0.0/99'");
  });
});
