import { EntityManager } from '@mikro-orm/postgresql';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEST_REDIS_URL, TestAuth, type TestDatabase } from '@ivoryos/testing';
import { createGatewayApp } from '../../app.factory';
import { parseGatewayEnv } from '../../config/env';
import type { GatewayConfig } from '../../config/gateway-config';
import { version } from '../../version';

export interface AuthTestGateway {
  app: NestExpressApplication;
  /** Origin, without `/api`. */
  url: string;
  config: GatewayConfig;
  db: TestDatabase;
  auth: TestAuth;
  close(): Promise<void>;
}

/** The real gateway in this process on a fresh database and the real Redis, listening on a free port. */
export async function startAuthTestGateway(
  opts: { env?: Record<string, string>; loginThrottle?: GatewayConfig['loginThrottle'] } = {},
): Promise<AuthTestGateway> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ivoryos-auth-'));
  const env = parseGatewayEnv({ IVORYOS_ENV: 'test', LOG_LEVEL: 'error', REDIS_URL: TEST_REDIS_URL, IVORYOS_DATA_DIR: dataDir, ...opts.env });
  const config: GatewayConfig = {
    env, production: false, port: 0, host: '127.0.0.1', dbUrl: db.url, dbKind: 'external', redisUrl: env.REDIS_URL, dataDir, version,
    loginThrottle: opts.loginThrottle,
  };
  const app = await createGatewayApp(config);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    // A failed start (e.g. a route without @Access) must not leave connections that keep jest alive.
    await app.close().catch(() => undefined);
    await db.drop();
    throw err;
  }
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    app, url, config, db,
    auth: new TestAuth({ baseUrl: url, em: app.get(EntityManager) }),
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
