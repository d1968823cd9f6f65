import { failureKey, throttleState } from './login-throttle';

const WINDOW = 15 * 60_000;

describe('throttleState', () => {
  it('lets the first failures through', () => {
    for (let n = 0; n < 5; n++) expect(throttleState(n, 60_000, 5, WINDOW)).toEqual({ blocked: false, retryAfterSeconds: 0 });
  });

  it('blocks at the limit until the window ends, rounding Retry-After up', () => {
    expect(throttleState(5, 60_000, 5, WINDOW)).toEqual({ blocked: true, retryAfterSeconds: 60 });
    expect(throttleState(9, 1_001, 5, WINDOW)).toEqual({ blocked: true, retryAfterSeconds: 2 });
    expect(throttleState(5, 1, 5, WINDOW)).toEqual({ blocked: true, retryAfterSeconds: 1 });
  });

  it('does not block once the counter has expired', () => {
    expect(throttleState(5, -2, 5, WINDOW)).toEqual({ blocked: false, retryAfterSeconds: 0 });
  });

  it('assumes a whole window when the counter has no expiry', () => {
    expect(throttleState(5, -1, 5, WINDOW)).toEqual({ blocked: true, retryAfterSeconds: 900 });
  });
});

describe('failureKey', () => {
  it('separates users and addresses and cannot be spoofed with separators', () => {
    expect(failureKey('alice', '10.0.0.1')).toBe('ivoryos:auth:login-failures:alice:10.0.0.1');
    expect(failureKey('a:b', '::1')).not.toBe(failureKey('a', 'b:::1'));
  });
});
