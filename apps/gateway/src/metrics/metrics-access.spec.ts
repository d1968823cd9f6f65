import { isLoopback, metricsAccess, type MetricsRequest } from './metrics-access';

const base: MetricsRequest = { production: true, remoteAddress: '10.1.2.3', bearer: undefined, scrapeToken: 'scrape-token-0123456789', role: undefined };

describe('metricsAccess', () => {
  it('accepts the scrape token and admins, from anywhere, in production', () => {
    expect(metricsAccess({ ...base, bearer: 'scrape-token-0123456789' })).toBe('allow');
    expect(metricsAccess({ ...base, bearer: 'jwt', role: 'admin' })).toBe('allow');
  });

  it('refuses other roles (403) and unknown or missing credentials (401)', () => {
    expect(metricsAccess({ ...base, bearer: 'jwt', role: 'operator' })).toBe('forbidden');
    expect(metricsAccess({ ...base, bearer: 'jwt', role: 'viewer' })).toBe('forbidden');
    expect(metricsAccess({ ...base, bearer: 'wrong' })).toBe('unauthenticated');
    expect(metricsAccess(base)).toBe('unauthenticated');
    expect(metricsAccess({ ...base, scrapeToken: undefined, bearer: 'anything' })).toBe('unauthenticated');
  });

  it('lets direct loopback connections in without credentials outside production only', () => {
    for (const remoteAddress of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(metricsAccess({ ...base, production: false, remoteAddress })).toBe('allow');
      expect(metricsAccess({ ...base, production: true, remoteAddress })).toBe('unauthenticated');
    }
    expect(metricsAccess({ ...base, production: false, remoteAddress: '192.168.1.5' })).toBe('unauthenticated');
    expect(metricsAccess({ ...base, production: false, remoteAddress: undefined })).toBe('unauthenticated');
  });

  it('still judges a wrong token sent from loopback', () => {
    expect(metricsAccess({ ...base, production: false, remoteAddress: '127.0.0.1', bearer: 'wrong' })).toBe('unauthenticated');
    expect(metricsAccess({ ...base, production: false, remoteAddress: '127.0.0.1', bearer: 'jwt', role: 'viewer' })).toBe('forbidden');
  });
});

describe('isLoopback', () => {
  it('knows loopback addresses and nothing else', () => {
    expect(['127.0.0.1', '127.255.0.1', '::1', '::ffff:127.0.0.2'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '::2', 'localhost', '', undefined].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });
});
