import { spawn, type ChildProcess } from 'node:child_process';
import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import { freePort } from '@ivoryos/testing';
import { waitFor } from './test-agent';

export interface PrivateRedis {
  port: number;
  /** As the admin user (the gateway's URL). */
  url: string;
  /** Without credentials (an agent's REDIS_URL: it signs in with its deck token). */
  bareUrl: string;
  /** A connection as the admin, or as `options.username` (undefined: nobody); closed by `stop`. */
  client(options?: RedisOptions): Redis;
  /** Kills the server and starts an empty one on the same port (no persistence: ACL users are gone too). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN_PASSWORD = 'test-gateway-password';

/**
 * A redis-server of the test's own, for tests that change ACL users or restart Redis: the shared
 * server's ACL list is global to all its databases and all other tests. With `lockDown`, as in
 * production: the default user is off and the gateway signs in as user `gateway` (from the
 * server's configuration, so it survives restarts; deck users do not).
 */
export async function startPrivateRedis(opts: { lockDown?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const bareUrl = `redis://127.0.0.1:${port}`;
  const url = opts.lockDown ? `redis://gateway:${ADMIN_PASSWORD}@127.0.0.1:${port}` : bareUrl;
  const users = opts.lockDown ? ['--user', 'gateway', 'on', `>${ADMIN_PASSWORD}`, '~*', '&*', '+@all', '--user', 'default', 'off'] : [];
  const clients: Redis[] = [];
  let proc: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...users], {
      stdio: 'ignore',
    });
    await waitFor(async () => {
      const probe = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    }, 10_000, `redis-server on port ${port}`);
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url,
    bareUrl,
    client(options: RedisOptions = {}) {
      // Credentials as options, not in the URL: ioredis lets a URL's user win over the options.
      const admin = opts.lockDown ? { username: 'gateway', password: ADMIN_PASSWORD } : {};
      const c = new IORedis(bareUrl, { maxRetriesPerRequest: 1, ...admin, ...options });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await kill();
    },
  };
}
