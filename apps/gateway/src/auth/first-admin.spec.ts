import { parseGatewayEnv } from '../config/env';
import { firstAdminPassword } from './first-admin';

describe('firstAdminPassword', () => {
  it('takes IVORYOS_ADMIN_PASSWORD when set', () => {
    expect(firstAdminPassword({ env: parseGatewayEnv({ IVORYOS_ADMIN_PASSWORD: 's3cret-pass' }), production: false })).toEqual({ password: 's3cret-pass', isDefault: false });
  });

  it('falls back to admin/admin outside production', () => {
    expect(firstAdminPassword({ env: parseGatewayEnv({}), production: false })).toEqual({ password: 'admin', isDefault: true });
  });

  it('never falls back in production', () => {
    expect(() => firstAdminPassword({ env: parseGatewayEnv({}), production: true })).toThrow(/IVORYOS_ADMIN_PASSWORD/);
  });

  it('is enforced where the settings are parsed, together with the JWT secret', () => {
    expect(() => parseGatewayEnv({ IVORYOS_ENV: 'production' })).toThrow(/IVORYOS_ADMIN_PASSWORD[\s\S]*IVORYOS_JWT_SECRET/);
    expect(() => parseGatewayEnv({ IVORYOS_ENV: 'production', IVORYOS_ADMIN_PASSWORD: 'short', IVORYOS_JWT_SECRET: 'x'.repeat(32) })).toThrow(/at least 8/);
    expect(parseGatewayEnv({ IVORYOS_ENV: 'production', IVORYOS_ADMIN_PASSWORD: 'long-enough', IVORYOS_JWT_SECRET: 'x'.repeat(32) }).IVORYOS_ENV).toBe('production');
  });
});
