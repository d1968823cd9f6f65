import { persistedSecret, type ResolvedSecret } from '../../common/persisted-secret';
import type { GatewayConfig } from '../../config/gateway-config';

export const WEBHOOK_SECRET_FILE = 'webhook-secret';

export type WebhookSecret = ResolvedSecret;

/**
 * IVORYOS_WEBHOOK_SECRET when set. Otherwise, outside production, a secret generated once and kept
 * in `<dataDir>/webhook-secret`, so restarts and local replicas sign alike. In production without
 * it: null, and no webhook is sent; replicas with separately generated secrets would sign with
 * keys no receiver could all know.
 */
export function resolveWebhookSecret(config: Pick<GatewayConfig, 'env' | 'production' | 'dataDir'>): WebhookSecret | null {
  if (config.env.IVORYOS_WEBHOOK_SECRET) return { secret: config.env.IVORYOS_WEBHOOK_SECRET, source: 'env' };
  if (config.production) return null;
  return persistedSecret(config.dataDir, WEBHOOK_SECRET_FILE, 32);
}
