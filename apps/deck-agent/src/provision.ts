import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { DECK_NAME_PATTERN } from '@ivoryos/contracts';
import { deckTokenPath } from './deck-credential';

/** How `ivoryos-agent provision` signs in to the gateway: an admin's password or an admin API key. */
export interface AdminCredential {
  username?: string;
  password?: string;
  apiKey?: string;
}

export interface ProvisionOptions {
  deck: string;
  gateway: string;
  dataDir: string;
  admin: AdminCredential;
  /** Replace a token file that exists already (the deck's running agent must then restart). */
  force?: boolean;
}

export interface ProvisionResult {
  file: string;
  redisUser: string;
  prefix: string;
}

/**
 * Obtains a token for a deck from the gateway (`POST /api/decks/<deck>/token`, as an admin) and
 * writes it to `<dataDir>/deck-tokens/<deck>`, where the deck's agent reads it. The one place an
 * agent-side tool speaks HTTP to the gateway, run once per deck by an operator.
 */
export async function provisionDeckToken(options: ProvisionOptions): Promise<ProvisionResult> {
  const { deck, dataDir } = options;
  if (!DECK_NAME_PATTERN.test(deck)) throw new Error(`Invalid deck name "${deck}": use only letters, digits, "_" and "-" (at most 64)`);
  const file = deckTokenPath(dataDir, deck);
  if (existsSync(file) && !options.force) {
    throw new Error(`${file} exists already: deck ${deck} has a token here. --force replaces it (the gateway then disconnects the agent using the old one)`);
  }
  const base = options.gateway.replace(/\/+$/, '');
  const bearer = options.admin.apiKey ?? (await login(base, options.admin));
  const res = await call(`${base}/api/decks/${encodeURIComponent(deck)}/token`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
  const body = (await res.json().catch(() => ({}))) as { token?: string; redisUser?: string; prefix?: string; message?: string };
  if (res.status === 401 || res.status === 403) throw new Error(`the gateway refused to issue a token for deck ${deck} (${res.status}): an admin credential is needed`);
  if (res.status !== 201 || !body.token) throw new Error(`the gateway did not issue a token for deck ${deck}: ${res.status} ${body.message ?? ''}`.trim());
  writeSecret(file, `${body.token}\n`);
  return { file, redisUser: body.redisUser ?? '', prefix: body.prefix ?? '' };
}

async function login(base: string, admin: AdminCredential): Promise<string> {
  if (!admin.username || admin.password === undefined) throw new Error('an admin credential is needed: --user and --password (or IVORYOS_ADMIN_PASSWORD), or --api-key');
  const res = await call(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: admin.username, password: admin.password }),
  });
  if (!res.ok) throw new Error(`signing in to ${base} as ${admin.username} failed (${res.status}): check the user name and password`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot reach the gateway at ${new URL(url).origin} (${cause}): is it running? Give its address with --gateway`);
  }
}

/** Owner-only file in an owner-only folder, written aside and renamed: never half a token. */
function writeSecret(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

/** Reads a password from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    output._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    asked = true;
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}
