import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import { isCredentialError } from './deck-credential';
import type { Logger } from './logger';

/**
 * A Redis connection that reconnects by itself forever (a lab PC may outlive many Redis
 * restarts) and logs an outage once, not once per retry. A refused deck credential keeps being
 * retried too (the gateway recreates deck users after a Redis restart), with an error that says why.
 */
export function createRedis(url: string, role: string, logger: Logger, options: RedisOptions = {}): Redis {
  const redis = new IORedis(url, {
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    connectionName: `ivoryos-agent:${role}`,
    ...options,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) logger.debug({ connection: role, err: err.message }, 'redis still unreachable');
    else if (isCredentialError(err.message)) {
      logger.error(
        { connection: role, user: options.username ?? null, err: err.message },
        options.username
          ? 'redis refused the deck credential: the token was replaced or revoked, or the gateway has not recreated the deck user yet; ' +
              'an admin issues a new one with POST /api/decks/<deck>/token'
          : 'redis needs credentials and this agent has no deck token: an admin issues one with POST /api/decks/<deck>/token; ' +
              'give it as --token, IVORYOS_DECK_TOKEN or <data dir>/deck-tokens/<deck> (ivoryos-agent provision <deck> writes it)',
      );
    } else logger.warn({ connection: role, err: err.message }, 'redis connection error; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: role }, 'redis connection restored');
    down = false;
  });
  return redis;
}

/** Closes politely when Redis answers, and gives up on politeness after `ms`. */
export async function closeRedis(redis: Redis, ms = 2000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  const timer = setTimeout(() => redis.disconnect(), ms);
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
