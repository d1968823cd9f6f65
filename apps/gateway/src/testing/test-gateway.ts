import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, isolatedRedisUrl, type TestDatabase } from '@ivoryos/testing';
import { createGatewayApp } from '../app.factory';
import { gatewayRedisUrl, parseGatewayEnv } from '../config/env';
import type { GatewayConfig } from '../config/gateway-config';
import { version } from '../version';

export interface TestGateway {
  app: NestExpressApplication;
  url: string;
  config: GatewayConfig;
  db: TestDatabase;
  /** Bearer token of the development admin (admin/admin). */
  adminToken: string;
  close(): Promise<void>;
}

/**
 * The real gateway in this process, on a fresh migrated database and the real Redis, listening
 * on a free port (or on `database`, migrated, when given). Authentication is on, as in production.
 */
export async function startTestGateway(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestGateway> {
  const db = database ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'ivoryos-gw-'));
  const redisUrl = await isolatedRedisUrl();
  const parsed = parseGatewayEnv({ IVORYOS_ENV: 'test', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, IVORYOS_DATA_DIR: dataDir, ...env });
  const config: GatewayConfig = {
    env: parsed, production: false, port: 0, host: '127.0.0.1', dbUrl: db.url, dbKind: 'external',
    redisUrl: gatewayRedisUrl(parsed), dataDir, version,
  };
  const app = await createGatewayApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }),
  });
  if (login.status !== 200 && login.status !== 201) throw new Error(`test admin login failed: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return {
    app, url, config, db, adminToken: accessToken,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
