import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeckSchema } from '@ivoryos/contracts';
import { canonicalJson } from '@ivoryos/introspection';

/** A schema with the files it was made from and their sha256 at the time. */
interface CacheEntry {
  format: typeof FORMAT;
  sources: { path: string; sha256: string }[];
  schema: DeckSchema;
  /** What the introspector said making it (left-out methods, untyped members), told again on each use. */
  logs: string[];
}

const FORMAT = 1;

/** The entry's name: everything but the source files' contents (those are checked on read). */
export function cacheKey(parts: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson({ format: FORMAT, ...parts })).digest('hex');
}

/**
 * Introspected schemas by key, each valid while every file it was made from is unchanged. Only
 * the agent that introspects writes, by rename, so a reader never sees half an entry.
 */
export class SchemaCache {
  constructor(private readonly dir: string) {}

  /** The cached schema, or why there is none (for the log). */
  read(key: string): { schema: DeckSchema; logs: string[] } | { miss: string } {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(this.path(key), 'utf8')) as CacheEntry;
    } catch {
      return { miss: 'no cached schema for this deck code' };
    }
    if (entry.format !== FORMAT || !Array.isArray(entry.sources)) return { miss: 'cached schema of an older format' };
    for (const source of entry.sources) {
      if (fileHash(source.path) !== source.sha256) return { miss: `${source.path} changed` };
    }
    return { schema: entry.schema, logs: entry.logs ?? [] };
  }

  write(key: string, made: { schema: DeckSchema; sources: readonly string[]; logs: string[] }): void {
    const sources = made.sources.map((path) => ({ path, sha256: fileHash(path) ?? '' }));
    const entry: CacheEntry = { format: FORMAT, sources, schema: made.schema, logs: made.logs };
    mkdirSync(this.dir, { recursive: true });
    const temp = `${this.path(key)}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, this.path(key));
  }

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}

function fileHash(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}
