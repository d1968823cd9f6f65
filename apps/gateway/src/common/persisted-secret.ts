import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ResolvedSecret {
  secret: string;
  /** `env` (the setting), or the file that holds a generated one. */
  source: 'env' | string;
}

/**
 * A secret generated once and kept in `<dataDir>/<name>` (mode 600), so restarts and other local
 * replicas share it. For development only: production passes its secrets as settings.
 */
export function persistedSecret(dataDir: string, name: string, bytes = 48): ResolvedSecret {
  const file = join(dataDir, name);
  const existing = readSecret(file);
  if (existing) return { secret: existing, source: file };
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: when two local replicas start together, one writes and the other reads its secret.
    writeFileSync(file, `${randomBytes(bytes).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = readSecret(file);
  if (!secret) throw new Error(`${file} holds no usable secret (at least 32 characters); delete it to generate a new one`);
  return { secret, source: file };
}

function readSecret(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length >= 32 ? text : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
