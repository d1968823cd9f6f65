import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeckSchema } from '@ivoryos/contracts';

/**
 * `<dataDir>/pseudo_deck/<deck>.json`: the schema on disk, so workflows can be designed while
 * the agent is offline. Written to a temporary file and renamed, so a reader never sees half.
 */
export function writePseudoDeck(dataDir: string, schema: DeckSchema): string {
  const dir = join(dataDir, 'pseudo_deck');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${schema.deck}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(schema, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}
