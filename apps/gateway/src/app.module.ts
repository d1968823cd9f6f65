import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { join } from 'node:path';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/exception.filter';
import { requestLogFields } from './common/request-log';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config';
import { CompatModule } from './compat/compat.module';
import { DatabaseModule } from './database/database.module';
import { DeckCredentialsModule } from './deck-credentials/deck-credentials.module';
import { DecksModule } from './decks/decks.module';
import { DirectCallsModule } from './direct-calls/direct-calls.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { RedisModule } from './redis/redis.module';
import { RunsModule } from './runs/runs.module';
import { EventStreamModule } from './transport/event-stream/event-stream.module';
import { WorkflowsModule } from './workflows/workflows.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const configModule: DynamicModule = {
      module: class ConfigHolder {},
      global: true,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
    const withHeaders = config.env.LOG_LEVEL === 'debug' || config.env.LOG_LEVEL === 'trace';
    return {
      module: AppModule,
      imports: [
        configModule,
        LoggerModule.forRoot({
          // Express 5 wildcard syntax; the module's default '*' is the old one.
          forRoutes: [{ path: '{*all}', method: RequestMethod.ALL }],
          pinoHttp: [
            {
              level: config.env.LOG_LEVEL,
              redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/api/health') },
              // One concise line per request (method, path, status, ms, actor); headers only at debug.
              // Quiet: lines logged inside a request carry its id, not the whole request again.
              quietReqLogger: true,
              quietResLogger: true,
              customSuccessObject: (req, res, val: { responseTime: number }) => requestLogFields(req, res, val.responseTime, withHeaders),
              customErrorObject: (req, res, err, val: { responseTime: number }) => ({ ...requestLogFields(req, res, val.responseTime, withHeaders), err }),
              customSuccessMessage: () => 'request completed',
              customErrorMessage: () => 'request failed',
            },
            // Logs go to stdout and, as in IvoryOS, to ivoryos_data/default.log.
            pino.multistream([
              { stream: process.stdout },
              { stream: pino.destination({ dest: join(config.dataDir, 'default.log'), mkdir: true, sync: false }) },
            ]),
          ],
        }),
        DatabaseModule,
        RedisModule,
        AuditModule,
        AuthModule,
        HealthModule,
        DeckCredentialsModule,
        DecksModule,
        DirectCallsModule,
        CompatModule,
        WorkflowsModule,
        RunsModule,
        QueueBoardModule,
        EventStreamModule,
        MetricsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
