import IORedis from 'ioredis';
import { gatewayRedisUrl, parseGatewayEnv } from './env';

/** What ioredis makes of a URL, without connecting. */
const connectionOf = (url: string) => {
  const client = new IORedis(url, { lazyConnect: true });
  const { host, port, username, password, db } = client.options;
  client.disconnect();
  return { host, port, username, password, db };
};

describe('gatewayRedisUrl', () => {
  it('is REDIS_URL unchanged without REDIS_PASSWORD', () => {
    expect(gatewayRedisUrl(parseGatewayEnv({ REDIS_URL: 'redis://redis:6379/2' }))).toBe('redis://redis:6379/2');
  });

  it('puts REDIS_PASSWORD into the URL, replacing a password there, so ioredis signs in with it', () => {
    const url = gatewayRedisUrl(parseGatewayEnv({ REDIS_URL: 'redis://redis:6379/2', REDIS_PASSWORD: 's3cret' }));
    expect(connectionOf(url)).toMatchObject({ host: 'redis', port: 6379, password: 's3cret', db: 2 });
    const replaced = gatewayRedisUrl(parseGatewayEnv({ REDIS_URL: 'redis://gw:old@redis:6379', REDIS_PASSWORD: 'new' }));
    expect(connectionOf(replaced)).toMatchObject({ username: 'gw', password: 'new' });
  });

  it('keeps every character of the password, including URL delimiters and %', () => {
    const password = 'p@ss:w/rd?#%41 é';
    const url = gatewayRedisUrl(parseGatewayEnv({ REDIS_URL: 'redis://127.0.0.1:6380', REDIS_PASSWORD: password }));
    expect(connectionOf(url)).toMatchObject({ host: '127.0.0.1', port: 6380, password });
  });

  it('refuses a REDIS_URL that is not a URL when a password must go into it, naming the setting', () => {
    expect(() => gatewayRedisUrl(parseGatewayEnv({ REDIS_URL: 'redis', REDIS_PASSWORD: 'x' }))).toThrow(/REDIS_URL: must be a URL/);
  });

  it('refuses an empty REDIS_PASSWORD', () => {
    expect(() => parseGatewayEnv({ REDIS_PASSWORD: '' })).toThrow(/REDIS_PASSWORD/);
  });
});

describe('IVORYOS_TRUST_PROXY', () => {
  const trust = (value?: string) => parseGatewayEnv(value === undefined ? {} : { IVORYOS_TRUST_PROXY: value }).IVORYOS_TRUST_PROXY;

  it('is off by default and for false-like words', () => {
    expect(trust()).toBe(false);
    for (const v of ['', 'false', '0', 'no', 'off']) expect(trust(v)).toBe(false);
  });

  it('takes true, a hop count, names, addresses and CIDRs', () => {
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.0/8,::1, fd00::/8')).toBe('loopback,10.0.0.0/8,::1,fd00::/8');
  });

  it('refuses anything else, naming the setting and the bad items', () => {
    expect(() => trust('proxy.example.com')).toThrow(/IVORYOS_TRUST_PROXY: .*proxy\.example\.com/);
    expect(() => trust('10.0.0.0/40')).toThrow(/10\.0\.0\.0\/40/);
  });
});
