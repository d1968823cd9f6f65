import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function findVersion(): string {
  // Source and compiled layouts differ in depth; walk up to the workspace package.json.
  for (const up of ['../../..', '../../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ivoryos-ts' && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
}

export const version = findVersion();
