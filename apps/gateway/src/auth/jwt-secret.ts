import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../config/gateway-config';

export const JWT_SECRET_FILE = 'jwt-secret';

export interface JwtSecret {
  secret: string;
  /** `env` (IVORYOS_JWT_SECRET), or the file that holds a generated one. */
  source: 'env' | string;
}

/**
 * IVORYOS_JWT_SECRET when set. Otherwise (never in production) a secret generated once and kept
 * in `<dataDir>/jwt-secret` (mode 600), so restarts and other local replicas accept the same tokens.
 */
export function resolveJwtSecret(config: Pick<GatewayConfig, 'env' | 'production' | 'dataDir'>): JwtSecret {
  if (config.env.IVORYOS_JWT_SECRET) return { secret: config.env.IVORYOS_JWT_SECRET, source: 'env' };
  if (config.production) throw new Error('IVORYOS_JWT_SECRET is required in production');
  const file = join(config.dataDir, JWT_SECRET_FILE);
  const existing = readSecret(file);
  if (existing) return { secret: existing, source: file };
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // `wx`: when two local replicas start together, one writes and the other reads its secret.
    writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
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
