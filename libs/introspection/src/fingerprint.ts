import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

let memo: string | undefined;

/**
 * Identifies the introspector itself: this library's code (source or compiled, whichever runs)
 * and the ts-morph release. A cached schema made by other code is never reused.
 */
export function introspectorFingerprint(): string {
  if (memo) return memo;
  const hash = createHash('sha256');
  for (const name of readdirSync(__dirname).sort()) {
    if (!/\.(ts|js)$/.test(name) || /\.(spec|int-spec)\.ts$/.test(name)) continue;
    hash.update(name).update(readFileSync(join(__dirname, name)));
  }
  hash.update(readFileSync(packageJsonOf('ts-morph')));
  memo = hash.digest('hex');
  return memo;
}

function packageJsonOf(name: string): string {
  for (let dir = dirname(require.resolve(name)); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === name) return candidate;
    } catch {
      // not here: keep walking up
    }
  }
  throw new Error(`cannot find ${name}'s package.json`);
}
