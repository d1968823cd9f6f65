import { API_KEY_MARK, generateApiKey, hashApiKey, looksLikeApiKey, parseApiKey, sameHash } from './api-key-format';

describe('API key format', () => {
  it('is ivk_ plus 43 base64url characters (32 random bytes)', () => {
    const { key } = generateApiKey();
    expect(key).toMatch(/^ivk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(API_KEY_MARK.length), 'base64url')).toHaveLength(32);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });

  it('stores a lookup prefix and the SHA-256 of the whole key, never the key', () => {
    const g = generateApiKey();
    expect(g.prefix).toBe(g.key.slice(0, 12));
    expect(g.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(g.hash).toBe(hashApiKey(g.key));
    expect(g.hash).not.toContain(g.key.slice(4));
    expect(parseApiKey(g.key)).toEqual({ prefix: g.prefix, hash: g.hash });
  });

  it('tells keys from JWTs by the mark', () => {
    expect(looksLikeApiKey(generateApiKey().key)).toBe(true);
    expect(looksLikeApiKey('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe(false);
  });

  it('refuses malformed keys', () => {
    const { key } = generateApiKey();
    for (const bad of ['', 'ivk_', key.slice(0, -1), `${key}A`, key.replace('ivk_', 'ivx_'), `${key.slice(0, -1)}+`, ` ${key}`]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('compares hashes only when both are well formed and equal', () => {
    const a = hashApiKey('a');
    expect(sameHash(a, hashApiKey('a'))).toBe(true);
    expect(sameHash(a, hashApiKey('b'))).toBe(false);
    expect(sameHash(a, a.slice(0, 10))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});
