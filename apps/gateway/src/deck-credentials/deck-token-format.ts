import { createHash, randomBytes } from 'node:crypto';

/** Every deck token starts with this, so one pasted in the wrong place is recognisable. */
export const DECK_TOKEN_MARK = 'ivd_';
const TOKEN_PATTERN = /^ivd_[A-Za-z0-9_-]{43}$/;
const PREFIX_CHARS = 8;

export interface DeckTokenParts {
  /** Hex SHA-256 of the token: what PostgreSQL stores and Redis ACL accepts as `#<hash>`. */
  hash: string;
  /** `ivd_` and the first 8 random characters, shown to admins. */
  prefix: string;
}

/** 32 random bytes as base64url behind the mark. */
export function generateDeckToken(): { token: string } & DeckTokenParts {
  const token = `${DECK_TOKEN_MARK}${randomBytes(32).toString('base64url')}`;
  return { token, ...(parseDeckToken(token) as DeckTokenParts) };
}

/** The stored form of a well-formed token; undefined for anything else. */
export function parseDeckToken(token: string): DeckTokenParts | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return { hash: hashDeckToken(token), prefix: token.slice(0, DECK_TOKEN_MARK.length + PREFIX_CHARS) };
}

/** SHA-256 of the token's UTF-8 bytes, hex: exactly what Redis compares `#<hash>` passwords with. */
export function hashDeckToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
