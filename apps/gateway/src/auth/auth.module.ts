import { createSecretKey } from 'node:crypto';
import { Logger, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuditModule } from '../audit/audit.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { AccessAudit } from './access-audit';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController, MeController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { FirstAdmin } from './first-admin';
import { resolveJwtSecret } from './jwt-secret';
import { LoginThrottle } from './login-throttle';
import { TokenService } from './tokens';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Users, roles, tokens, API keys, and the global guard every route goes through. */
@Module({
  imports: [
    AuditModule,
    DiscoveryModule,
    JwtModule.registerAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => {
        const { secret, source } = resolveJwtSecret(config);
        if (source !== 'env') new Logger('Auth').warn(`IVORYOS_JWT_SECRET is not set; signing tokens with the generated secret in ${source}`);
        // A KeyObject, not the string: given a string, jsonwebtoken first tries it as a PEM public key on every
        // verify (a thrown OpenSSL error, about 0.5 ms per request) before using it as the HMAC secret.
        return { secret: createSecretKey(Buffer.from(secret)), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } };
      },
    }),
  ],
  controllers: [AuthController, MeController, UsersController, ApiKeysController],
  providers: [
    AuthService, TokenService, LoginThrottle, UsersService, ApiKeysService, AccessAudit, FirstAdmin,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessAudit, AuthService, ApiKeysService],
})
export class AuthModule {}
