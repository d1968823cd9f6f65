import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { User } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { hashPassword } from './passwords';

export const FIRST_ADMIN = 'admin';

/** The first admin's password, and whether it is the development default. */
export function firstAdminPassword(config: Pick<GatewayConfig, 'env' | 'production'>): { password: string; isDefault: boolean } {
  const fromEnv = config.env.IVORYOS_ADMIN_PASSWORD;
  if (fromEnv) return { password: fromEnv, isDefault: false };
  // parseGatewayEnv already refuses this; checked again so no path can create admin/admin in production.
  if (config.production) throw new Error('IVORYOS_ADMIN_PASSWORD is required in production');
  return { password: 'admin', isDefault: true };
}

/** With no user at all, creates `admin` so someone can sign in and create the others. */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly em: EntityManager,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const em = this.em.fork();
    if ((await em.count(User, {})) > 0) return;
    const { password, isDefault } = firstAdminPassword(this.config);
    const now = new Date();
    // ON CONFLICT: replicas starting together on an empty database create one admin between them.
    const created = await em
      .createQueryBuilder(User)
      .insert({ id: randomUUID(), username: FIRST_ADMIN, passwordHash: await hashPassword(password), role: 'admin', disabled: false, tokenVersion: 0, createdAt: now, updatedAt: now })
      .onConflict('username')
      .ignore()
      .execute('run');
    if (!created.affectedRows) return;
    if (isDefault) {
      this.logger.warn(
        '!!! No users existed: created user "admin" with password "admin". Anyone who can reach this gateway can sign in as admin. ' +
          'Change it now (PATCH /api/users/admin {"password": ...}) or set IVORYOS_ADMIN_PASSWORD before the first start. !!!',
      );
    } else {
      this.logger.log('No users existed: created user "admin" with the password from IVORYOS_ADMIN_PASSWORD');
    }
  }
}
