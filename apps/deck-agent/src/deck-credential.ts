import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisOptions } from 'ioredis';
import { DECK_TOKENS_DIR, LEGACY_DECK_TOKEN_FILE, deckRedisUser } from '@ivoryos/contracts';
import type { AgentEnv } from './config/env';

/** The deck's Redis ACL user and the token that is its password. */
export interface DeckCredential {
  username: string;
  token: string;
  /** Where the token came from: `--token` / IVORYOS_DECK_TOKEN, or `<dataDir>/deck-tokens/<deck>`. */
  source: 'setting' | 'file';
}

export interface CredentialLookup {
  credential?: DeckCredential;
  /** Why no token was used although some were found (other decks' tokens are never used). */
  notice?: string;
}

/** `<dataDir>/deck-tokens/<deck>`: the one file an agent reads its token from. */
export function deckTokenPath(dataDir: string, deck: string): string {
  return join(dataDir, DECK_TOKENS_DIR, deck);
}

/**
 * The agent's credential: `--token` or IVORYOS_DECK_TOKEN, else the first line of
 * `<IVORYOS_DATA_DIR>/deck-tokens/<deck>`; none when neither holds one (the agent then connects as
 * whoever REDIS_URL names, which only a development Redis allows). Another deck's token is never
 * taken: it would only be refused (WRONGPASS for this deck's user). When the only tokens around
 * belong to other decks, or to no named deck (the old single `deck-token` file), `notice` says so.
 */
export function resolveDeckCredential(deck: string, env: Pick<AgentEnv, 'IVORYOS_DECK_TOKEN' | 'IVORYOS_DATA_DIR' | 'IVORYOS_GATEWAY_URL'>): CredentialLookup {
  const username = deckRedisUser(deck);
  if (env.IVORYOS_DECK_TOKEN) return { credential: { username, token: env.IVORYOS_DECK_TOKEN.trim(), source: 'setting' } };
  const own = deckTokenPath(env.IVORYOS_DATA_DIR, deck);
  const token = readFirstLine(own);
  if (token) return { credential: { username, token, source: 'file' } };

  const others = readdirOrEmpty(join(env.IVORYOS_DATA_DIR, DECK_TOKENS_DIR)).filter((name) => name !== deck && readFirstLine(deckTokenPath(env.IVORYOS_DATA_DIR, name)));
  const legacy = join(env.IVORYOS_DATA_DIR, LEGACY_DECK_TOKEN_FILE);
  const hasLegacy = existsSync(legacy) && Boolean(readFirstLine(legacy));
  if (!others.length && !hasLegacy) return {};
  const found = [
    others.length ? `the only deck tokens found belong to other decks (${others.join(', ')})` : '',
    hasLegacy ? `${legacy} holds a token from before per-deck files and does not say which deck it is for (if it is ${deck}'s, move it to ${own})` : '',
  ].filter(Boolean);
  return {
    notice:
      `no token for deck ${deck} in ${own}; ${found.join('; ')}, and another deck's token is never used. ` +
      `Get one with: ivoryos-agent provision ${deck} --gateway ${env.IVORYOS_GATEWAY_URL} (or pass --token). Connecting without a deck credential`,
  };
}

function readFirstLine(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return '';
    throw new Error(`cannot read the deck token in ${file}: ${(err as Error).message}`);
  }
  return text.split(/\r?\n/)[0].trim();
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * ioredis options for every connection the agent opens (BullMQ duplicates the worker's, so its
 * blocking connection signs in the same way). CLIENT SETINFO is skipped: the deck user has no
 * right to it, and refusals would only fill Redis's ACL log.
 */
export function redisCredentialOptions(credential: DeckCredential | undefined): RedisOptions {
  return credential ? { username: credential.username, password: credential.token, disableClientInfo: true } : {};
}

/** Redis refused the credential or a command for it: worth an error with a hint, not a retry note. */
export function isCredentialError(message: string): boolean {
  return /WRONGPASS|NOAUTH|NOPERM/.test(message);
}

/** With a deck credential, user and password in REDIS_URL give way to it (ioredis would let the URL win). */
export function redisUrlFor(url: string, credential: DeckCredential | undefined): string {
  if (!credential) return url;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
