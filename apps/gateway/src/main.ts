import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { join } from 'node:path';
import { migrateUp, redactUrl } from '@ivoryos/db';
import { initTracing, shutdownTracing } from '@ivoryos/telemetry';
import { createGatewayApp } from './app.factory';
import { gatewayRedisUrl, parseGatewayEnv } from './config/env';
import { resolveDataDir, type GatewayConfig } from './config/gateway-config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres';
import { version } from './version';

/** IvoryOS's folder layout, created at start. */
const DATA_FOLDERS = ['config_csv', 'logs', 'pseudo_deck', 'results', 'scripts/drafts', 'llm_output'];

async function main(): Promise<void> {
  // Before anything else, so the first request is traced (on only with OTEL_EXPORTER_OTLP_ENDPOINT).
  initTracing('ivoryos-gateway');
  const env = parseGatewayEnv(process.env);
  const production = env.IVORYOS_ENV === 'production';
  const dataDir = resolveDataDir(env.IVORYOS_DATA_DIR);
  for (const folder of DATA_FOLDERS) mkdirSync(join(dataDir, folder), { recursive: true });

  let embedded: EmbeddedDatabase | undefined;
  let dbUrl = env.IVORYOS_DB_URI ?? env.DATABASE_URL;
  if (!dbUrl) {
    if (production) throw new Error('IVORYOS_ENV=production needs IVORYOS_DB_URI or DATABASE_URL');
    embedded = await startEmbeddedPostgres(dataDir, (m) => console.error(m));
    dbUrl = embedded.url;
  }
  const config: GatewayConfig = {
    env, production, dataDir, dbUrl, version,
    dbKind: embedded ? 'embedded' : 'external',
    port: env.PORT, host: env.HOST, redisUrl: gatewayRedisUrl(env),
  };
  if (env.IVORYOS_MIGRATE_ON_START ?? !production) await migrateUp(dbUrl);

  const app = await createGatewayApp(config);
  await app.listen(config.port, config.host);
  // SIGTERM/SIGINT: stop taking connections, let in-flight requests finish (app.close drains the
  // HTTP server and runs every shutdown hook), stop the embedded database, then exit 0.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      void (async () => {
        try {
          await app.close();
          await embedded?.stop();
          await shutdownTracing();
        } finally {
          process.exit(0);
        }
      })();
    });
  }
  const logger = app.get(Logger);
  logger.log(
    `IvoryOS-TS ${version} on http://${config.host}:${config.port}/api (docs at /api/docs); ` +
      `database: ${embedded ? `embedded PostgreSQL, data in ${embedded.location}` : redactUrl(dbUrl)}; redis: ${redactUrl(config.redisUrl)}; data: ${dataDir}`,
    'Gateway',
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
