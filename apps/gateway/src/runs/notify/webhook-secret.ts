import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/gateway-config';

export const WEBHOOK_SECRET_FILE = 'webhook-secret';

export interface WebhookSecret {
  secret: string;
  /** `env` (IVORYOS_WEBHOOK_SECRET), or the file that holds a generated one. */
  source: 'env' | string;
}

/**
 * IVORYOS_WEBHOOK_SECRET when set. Otherwise, outside production, a secret generated once and kept
 * in `<dataDir>/webhook-secret` (mode 600), so restarts and local replicas sign alike. In
 * production without it: null, and no webhook is sent; replicas with separately generated
 * secrets would sign with keys no receiver could all know.
 */
export function resolveWebhookSecret(config: Pick<GatewayConfig, 'env' | 'production' | 'dataDir'>): WebhookSecret | null {
  if (config.env.IVORYOS_WEBHOOK_SECRET) return { secret: config.env.IVORYOS_WEBHOOK_SECRET, source: 'env' };
  if (config.production) return null;
  const file = join(config.dataDir, WEBHOOK_SECRET_FILE);
  const existing = readSecret(file);
  if (existing) return { secret: existing, source: file };
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // `wx`: when two local replicas start together, one writes and the other reads its secret.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = readSecret(file);
  if (!secret) throw new Error(`${file} holds no usable secret (at least 32 characters); delete it to generate a new one`);
  return { secret, source: file };
}

function readSecret(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length >= 32 ? text : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
