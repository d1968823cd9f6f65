import IORedis from 'ioredis';

/** True when a Redis server answers PING at the URL within the timeout. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Redis we may start ourselves: a plain redis:// URL on this machine. */
export function localRedisPort(url: string): number | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'redis:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return undefined;
    return Number(u.port || 6379);
  } catch {
    return undefined;
  }
}

/** Whether the Redis ACL user exists; `unknown` when Redis does not answer or this connection may not ask. */
export async function redisHasUser(url: string, user: string, timeoutMs = 1500): Promise<'yes' | 'no' | 'unknown'> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.call('ACL', 'GETUSER', user)) === null ? 'no' : 'yes';
  } catch {
    return 'unknown';
  } finally {
    client.disconnect();
  }
}
