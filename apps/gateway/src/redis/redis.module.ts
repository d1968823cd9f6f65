import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

export const REDIS = Symbol('REDIS');

/** Opens the gateway's shared Redis connection and checks the eviction policy once it is up. */
@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    redis.on('error', (err: Error) => this.logger.warn(`Redis: ${err.message}`));
    redis.once('ready', () => void this.checkEviction());
  }

  // BullMQ loses jobs when Redis evicts keys; a queue for lab hardware must not.
  private async checkEviction(): Promise<void> {
    try {
      const res = (await this.redis.config('GET', 'maxmemory-policy')) as string[];
      const policy = res[1];
      if (policy && policy !== 'noeviction') this.logger.warn(`Redis maxmemory-policy is ${policy}; set it to noeviction`);
    } catch {
      // CONFIG may be disabled on managed Redis; nothing to check then.
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new IORedis(config.redisUrl, {
          maxRetriesPerRequest: 1,
          // Fail fast while disconnected so callers can answer 503 instead of hanging.
          enableOfflineQueue: false,
          retryStrategy: (times) => Math.min(times * 200, 2000),
        }),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
