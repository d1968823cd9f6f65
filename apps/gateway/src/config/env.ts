import { isIP } from 'node:net';
import { z } from 'zod';
import { DECK_NAME_PATTERN } from '@ivoryos/contracts';
import { parseWebhookAllowList } from '../runs/notify/webhook-allow';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting the gateway reads, validated once at start. No `process.env` elsewhere. */
export const gatewayEnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  /** `production` refuses to start without secrets and does not migrate on start. */
  IVORYOS_ENV: z.enum(['development', 'production', 'test']).default('development'),
  IVORYOS_DB_URI: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /**
   * The gateway's Redis password, kept out of REDIS_URL so the URL can be shared config (agents use
   * the same URL and sign in with their deck tokens) while the password stays a secret.
   */
  REDIS_PASSWORD: z.string().min(1).optional(),
  IVORYOS_DATA_DIR: z.string().default('ivoryos_data'),
  IVORYOS_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** Shared by all replicas: tokens issued by one are accepted by the others. */
  IVORYOS_JWT_SECRET: z.string().min(16).optional(),
  IVORYOS_CORS_ORIGINS: z.string().default(''),
  /**
   * Which proxies' X-Forwarded-For/-Proto to believe (Express's "trust proxy"): empty or false for
   * none (the default), true for any, a hop count, or addresses/CIDRs and the names loopback,
   * linklocal, uniquelocal, comma-separated. Decides the client address for login throttling and
   * whether a request came over HTTPS (secure cookies, upgrade-insecure-requests, HSTS).
   */
  IVORYOS_TRUST_PROXY: z.string().default('').transform((text, ctx) => parseTrustProxy(text, ctx)),
  /** The built web UI served at `/`; default: dist/apps/web. */
  IVORYOS_WEB_DIR: z.string().optional(),
  /** Whether this process consumes run events into PostgreSQL. */
  IVORYOS_INGEST: bool.default(true),
  /**
   * Run logs (`GET /api/runs/:id/log`, `logs/` files) have one line per step; false keeps only steps
   * that did not complete, for runs of many thousand steps. `?steps=` overrides it per request.
   */
  IVORYOS_RUN_LOG_STEPS: bool.default(true),
  /** A deck whose agent has not sent a heartbeat for this long is shown offline. */
  IVORYOS_DECK_OFFLINE_AFTER_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Run pending migrations at start (off by default in production, where a Job runs them). */
  IVORYOS_MIGRATE_ON_START: bool.optional(),
  IVORYOS_BODY_LIMIT: z.string().default('5mb'),
  /** Signs webhook bodies (HMAC-SHA256); shared by all replicas. Unset outside production: generated into `<dataDir>/webhook-secret`. */
  IVORYOS_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Bearer token a Prometheus scraper sends to GET /metrics (admins' tokens work too); at least 16 characters. */
  IVORYOS_METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16).optional()),
  /** Comma-separated host names, host:port, IPs or CIDRs that run webhooks may call; empty allows any. */
  IVORYOS_WEBHOOK_ALLOW: z.string().default('').superRefine((text, ctx) => {
    try {
      parseWebhookAllowList(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /**
   * Take registrations and events only from decks that have an issued token (their agents connect
   * as the deck's Redis ACL user). Unset: on in production, off otherwise.
   */
  IVORYOS_REQUIRE_DECK_TOKENS: bool.optional(),
  /**
   * Development only (`npm start` sets it to the demo deck): at start, make sure this deck has a
   * token and that `<IVORYOS_DATA_DIR>/deck-tokens/<deck>` holds it, for the agent started next to it.
   */
  IVORYOS_PROVISION_DECK_TOKEN: z.string().regex(DECK_NAME_PATTERN, 'must be a deck name (letters, digits, _ or -)').optional(),
  /**
   * The deck IvoryOS's routes under /ivoryos serve (an IvoryOS server has one deck); other decks are at
   * /decks/<deck>/ivoryos. Instrument calls there (IvoryOS's generated proxy files, which cannot add `?deck=`) go
   * to this deck when it has the instrument, else to the one deck that has it. Unset: the only deck, when there
   * is one. `npm start` sets the TypeScript demo, which shares instrument names with the Python demo.
   */
  IVORYOS_DEFAULT_DECK: z.string().regex(DECK_NAME_PATTERN, 'must be a deck name (letters, digits, _ or -)').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Benchmarks only: direct-control answers carry a Server-Timing header with the hops' times (bench/direct-control.ts). */
  IVORYOS_HOP_TIMING: bool.default(false),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(item: string): boolean {
  const [addr, bits, extra] = item.split('/');
  if (extra !== undefined || !addr || !isIP(addr)) return false;
  if (bits === undefined) return true;
  const max = isIP(addr) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}

function parseTrustProxy(text: string, ctx: z.RefinementCtx): boolean | number | string {
  const value = text.trim().toLowerCase();
  if (['', 'false', '0', 'no', 'off'].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((item) => !PROXY_NAMES.has(item) && !isAddressOrCidr(item));
  if (bad.length) ctx.addIssue({ code: 'custom', message: `not an address, CIDR or loopback/linklocal/uniquelocal: ${bad.join(', ')}` });
  return items.join(',');
}

/** Names of the gateway's settings; deployment files are checked against this list. */
export const gatewayEnvNames = Object.keys(gatewayEnvSchema.shape) as (keyof GatewayEnv)[];

export function parseGatewayEnv(source: NodeJS.ProcessEnv): GatewayEnv {
  // Production checks apply to the gateway only, not to the migration job sharing this schema.
  const parsed = gatewayEnvSchema.superRefine(requireProductionSecrets).safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid gateway settings:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Development falls back to admin/admin and a generated secret file; production never does. */
function requireProductionSecrets(env: GatewayEnv, ctx: z.RefinementCtx): void {
  if (env.IVORYOS_ENV !== 'production') return;
  if (!env.IVORYOS_ADMIN_PASSWORD || env.IVORYOS_ADMIN_PASSWORD.length < 8) {
    ctx.addIssue({ code: 'custom', path: ['IVORYOS_ADMIN_PASSWORD'], message: 'is required in production (at least 8 characters)' });
  }
  if (!env.IVORYOS_JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['IVORYOS_JWT_SECRET'], message: 'is required in production' });
  if (env.IVORYOS_PROVISION_DECK_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['IVORYOS_PROVISION_DECK_TOKEN'], message: 'is for development only; admins issue deck tokens with POST /api/decks/:deck/token' });
  }
}

/** The gateway's Redis URL: REDIS_URL with REDIS_PASSWORD, when set, in place of any password there. */
export function gatewayRedisUrl(env: Pick<GatewayEnv, 'REDIS_URL' | 'REDIS_PASSWORD'>): string {
  if (!env.REDIS_PASSWORD) return env.REDIS_URL;
  let url: URL;
  try {
    url = new URL(env.REDIS_URL);
  } catch {
    throw new Error('Invalid gateway settings:\n  REDIS_URL: must be a URL (redis://host:port) when REDIS_PASSWORD is set');
  }
  url.password = encodeURIComponent(env.REDIS_PASSWORD);
  return url.toString();
}
