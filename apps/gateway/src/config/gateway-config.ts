import { isAbsolute, resolve } from 'node:path';
import type { GatewayEnv } from './env';

/** Settings after start-up decisions (which database, where the data lives). */
export interface GatewayConfig {
  env: GatewayEnv;
  production: boolean;
  port: number;
  host: string;
  dbUrl: string;
  /** `external` for IVORYOS_DB_URI / DATABASE_URL, `embedded` for the bundled PostgreSQL. */
  dbKind: 'external' | 'embedded';
  redisUrl: string;
  dataDir: string;
  version: string;
  /** Login throttling; defaults 5 failures per 15 minutes. Tests shorten the window. */
  loginThrottle?: { maxFailures?: number; windowMs?: number };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function resolveDataDir(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}
