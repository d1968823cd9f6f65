import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { ormOptions } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => ({
        ...ormOptions({ clientUrl: config.dbUrl }),
        // Express 5 route syntax for the request-context middleware (its own detection picks the old `*`).
        forRoutesPath: '{*all}',
      }),
      driver: PostgreSqlDriver,
    }),
  ],
})
export class DatabaseModule {}
