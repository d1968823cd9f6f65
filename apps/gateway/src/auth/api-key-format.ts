import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, which tells it apart from a JWT (JWTs start with `ey`). */
export const API_KEY_MARK = 'ivk_';
/** 32 random bytes: 256 bits, as base64url (43 characters). */
const RANDOM_BYTES = 32;
const KEY_PATTERN = /^ivk_[A-Za-z0-9_-]{43}$/;
/** The mark plus this many characters is stored in clear: looked up by index and shown in lists. */
const PREFIX_CHARS = 8;

export interface ParsedApiKey {
  /** `ivk_` and the first 8 random characters. */
  prefix: string;
  /** Hex SHA-256 of the whole key, as stored. */
  hash: string;
}

export function generateApiKey(): { key: string } & ParsedApiKey {
  const key = `${API_KEY_MARK}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
  return { key, ...(parseApiKey(key) as ParsedApiKey) };
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_MARK);
}

/** The stored form of a well-formed key, or undefined for anything else. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  if (!KEY_PATTERN.test(key)) return undefined;
  return { prefix: key.slice(0, API_KEY_MARK.length + PREFIX_CHARS), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
