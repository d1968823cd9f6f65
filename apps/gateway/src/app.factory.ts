import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { installBodyParsing } from './common/body-parsing';
import { hopTimingMiddleware } from './common/hop-timing';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import type { GatewayConfig } from './config/gateway-config';
import { buildOpenApi, serveDocs } from './docs/openapi';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics';
import { tracingEnabled } from '@ivoryos/telemetry';
import { httpTracingMiddleware } from './tracing/http-tracing';
import { mountQueueBoard } from './queue-board/mount-queue-board';
import { findWebDir, serveWebUi } from './web/serve-web';

/** The gateway, configured but not listening: used by main and by the end-to-end tests. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  if (config.env.IVORYOS_HOP_TIMING) app.use(hopTimingMiddleware);
  app.use(httpMetricsMiddleware(app.get(GatewayMetrics)));
  if (tracingEnabled()) app.use(httpTracingMiddleware());
  app.set('trust proxy', config.env.IVORYOS_TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(securityHeaders());
  const origins = config.env.IVORYOS_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false, credentials: true });
  app.use(cookieParser());
  installBodyParsing(app, config.env.IVORYOS_BODY_LIMIT);
  mountQueueBoard(app);
  // IvoryOS's own paths stay as they are, so its generated proxy files work unchanged.
  app.setGlobalPrefix('api', {
    exclude: [{ path: 'ivoryos', method: RequestMethod.ALL }, { path: 'ivoryos/{*path}', method: RequestMethod.ALL }, { path: 'metrics', method: RequestMethod.GET },
      { path: 'decks/:deck/ivoryos', method: RequestMethod.ALL }, { path: 'decks/:deck/ivoryos/{*path}', method: RequestMethod.ALL }],
  });
  app.useGlobalPipes(createValidationPipe());
  serveDocs(app, buildOpenApi(app, config.version));
  const webDir = findWebDir(config.env.IVORYOS_WEB_DIR);
  if (webDir) serveWebUi(app, webDir);
  return app;
}
