// Jest's global setup runs MikroORM in the parent realm; metadata cached there holds Maps from
// another realm, which breaks discovery in test files (mikro-orm#3783). Start each file clean.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataStorage } from '@mikro-orm/core';

MetadataStorage.clear();

// Agents started by tests share one schema cache (entries are checked against their sources), so
// only the first agent of a deck pays for the type checker. `npm test` names a fresh one per run.
process.env['IVORYOS_SCHEMA_CACHE_DIR'] ??= join(tmpdir(), 'ivoryos-test-schema-cache');
