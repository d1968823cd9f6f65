import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { Unavailable } from '../common/domain-errors';
import { REDIS } from '../redis/redis.module';
import { TooManyLoginFailures } from './auth-errors';

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface ThrottleState {
  blocked: boolean;
  /** Seconds until the window ends (0 when not blocked); what Retry-After says. */
  retryAfterSeconds: number;
}

/**
 * Failures counted so far and the window's remaining time in ms (Redis PTTL: -2 when the counter
 * is gone, -1 when it has no expiry, which should not happen but must not block for ever).
 */
export function throttleState(failures: number, pttlMs: number, maxFailures: number, windowMs: number): ThrottleState {
  if (failures < maxFailures || pttlMs === -2) return { blocked: false, retryAfterSeconds: 0 };
  const remaining = pttlMs < 0 ? windowMs : pttlMs;
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(remaining / 1000)) };
}

/** Redis key of one (username, client address) pair; replicas share it. */
export function failureKey(username: string, address: string): string {
  return `ivoryos:auth:login-failures:${encodeURIComponent(username)}:${address}`;
}

/**
 * Login failures per (username, address) in Redis, in a fixed window that starts at the first
 * failure. Refusing while Redis is down (503) keeps the limit from being bypassed by an outage.
 */
@Injectable()
export class LoginThrottle {
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.maxFailures = config.loginThrottle?.maxFailures ?? LOGIN_MAX_FAILURES;
    this.windowMs = config.loginThrottle?.windowMs ?? LOGIN_WINDOW_MS;
  }

  /** Throws 429 while the pair is over the limit. */
  async check(username: string, address: string): Promise<void> {
    const [failures, pttl] = await this.exec((m) => m.get(failureKey(username, address)).pttl(failureKey(username, address)));
    const state = throttleState(Number(failures ?? 0), Number(pttl), this.maxFailures, this.windowMs);
    if (state.blocked) throw new TooManyLoginFailures(state.retryAfterSeconds);
  }

  async fail(username: string, address: string): Promise<void> {
    const key = failureKey(username, address);
    await this.exec((m) => m.set(key, '0', 'PX', this.windowMs, 'NX').incr(key));
  }

  async reset(username: string, address: string): Promise<void> {
    await this.exec((m) => m.del(failureKey(username, address)));
  }

  private async exec(build: (m: ReturnType<Redis['multi']>) => ReturnType<Redis['multi']>): Promise<unknown[]> {
    let results: [Error | null, unknown][] | null;
    try {
      results = await build(this.redis.multi()).exec();
    } catch {
      throw new Unavailable('Sign-in is unavailable while Redis is unreachable; try again shortly');
    }
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw new Unavailable('Sign-in is unavailable while Redis is unreachable; try again shortly');
    return results.map(([, value]) => value);
  }
}
