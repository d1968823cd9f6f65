import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace version, reported in every registration; source and compiled layouts differ in depth. */
function findVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ivoryos-ts' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
  }
  return '0.0.0';
}

export const AGENT_VERSION = findVersion();
