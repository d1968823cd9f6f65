import { persistedSecret, type ResolvedSecret } from '../common/persisted-secret';
import type { GatewayConfig } from '../config/gateway-config';

export const JWT_SECRET_FILE = 'jwt-secret';

export type JwtSecret = ResolvedSecret;

/**
 * IVORYOS_JWT_SECRET when set. Otherwise (never in production) a secret generated once and kept
 * in `<dataDir>/jwt-secret`, so restarts and other local replicas accept the same tokens.
 */
export function resolveJwtSecret(config: Pick<GatewayConfig, 'env' | 'production' | 'dataDir'>): JwtSecret {
  if (config.env.IVORYOS_JWT_SECRET) return { secret: config.env.IVORYOS_JWT_SECRET, source: 'env' };
  if (config.production) throw new Error('IVORYOS_JWT_SECRET is required in production');
  return persistedSecret(config.dataDir, JWT_SECRET_FILE, 48);
}
