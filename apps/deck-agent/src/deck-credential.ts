import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisOptions } from 'ioredis';
import { DECK_TOKEN_FILE, deckRedisUser } from '@ivoryos/contracts';
import type { AgentEnv } from './config/env';

/** The deck's Redis ACL user and the token that is its password. */
export interface DeckCredential {
  username: string;
  token: string;
  /** Where the token came from: `--token` / IVORYOS_DECK_TOKEN, or `<dataDir>/deck-token`. */
  source: 'setting' | 'file';
}

/**
 * The agent's credential: `--token` or IVORYOS_DECK_TOKEN, else the first line of
 * `<IVORYOS_DATA_DIR>/deck-token`; undefined when neither holds one (the agent then connects as
 * whoever REDIS_URL names, which only a development Redis allows).
 */
export function resolveDeckCredential(deck: string, env: Pick<AgentEnv, 'IVORYOS_DECK_TOKEN' | 'IVORYOS_DATA_DIR'>): DeckCredential | undefined {
  const username = deckRedisUser(deck);
  if (env.IVORYOS_DECK_TOKEN) return { username, token: env.IVORYOS_DECK_TOKEN.trim(), source: 'setting' };
  const file = join(env.IVORYOS_DATA_DIR, DECK_TOKEN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the deck token in ${file}: ${(err as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0].trim();
  return token ? { username, token, source: 'file' } : undefined;
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
