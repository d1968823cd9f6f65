import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { introspectDeck } from '@ivoryos/introspection';
import { deckSchema } from './deck-schema';

// A deck on disk (read by the type checker) and a runtime object of the same shape (what the agent loaded).
class Pump {
  dose(volume: number): number {
    return volume;
  }

  purge(gas: string): string {
    return gas;
  }
}

describe('deckSchema: introspection cached by source', () => {
  let dir: string;
  let cacheDir: string;
  let logs: string[];
  const write = (type: string) => {
    writeFileSync(join(dir, 'types.ts'), `export type Volume = ${type};\n`);
    writeFileSync(join(dir, 'deck.ts'), [
      "import type { Volume } from './types';",
      'export class Pump {',
      '  /** Doses a volume. */',
      '  dose(volume: Volume): number { return Number(volume); }',
      '  purge(gas: Gas): string { return gas; }',
      '}',
      'export const pump = new Pump();',
      "export enum Gas { N2 = 'N2', Ar = 'Ar' }",
      '',
    ].join('\n'));
  };
  const schema = (exports: object = { pump: new Pump() }, deckName = 'cached') =>
    deckSchema({ deckName, file: join(dir, 'deck.ts'), exports, cacheDir, log: (m) => logs.push(m) });
  const doseType = async (exports?: object) => (await schema(exports)).instruments['deck.pump'].actions['dose'].params[0].type;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-schema-cache-spec-'));
    cacheDir = join(dir, 'cache');
    logs = [];
    write('number');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('introspects once, then answers from the cache with the same schema', async () => {
    const first = await schema();
    expect(logs.some((m) => m.startsWith('deck introspected in'))).toBe(true);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    logs = [];
    const second = await schema();
    expect(second).toEqual(first);
    expect(logs.some((m) => m.includes('from the cache'))).toBe(true);
    expect(logs.some((m) => m.startsWith('deck introspected in'))).toBe(false);
  });

  it('introspects again when a file the deck imports changed, and the schema follows it', async () => {
    expect(await doseType()).toBe('float');
    write('string');
    logs = [];
    expect(await doseType()).toBe('str');
    expect(logs.find((m) => m.startsWith('deck introspected in'))).toContain('types.ts changed');
  });

  it('keys the cache by the runtime shape: another set of instruments is not served the old schema', async () => {
    await schema();
    const other = await schema({ pump: new Pump(), second: new Pump() });
    expect(Object.keys(other.instruments).sort()).toEqual(['deck.pump', 'deck.second']);
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it('serves every deck of one module from one entry, under its own name, with the hash a direct introspection gives', async () => {
    const [a, b] = await Promise.all([schema(undefined, 'lab_a'), schema(undefined, 'lab_b')]);
    expect(logs.filter((m) => m.startsWith('deck introspected in'))).toHaveLength(2); // one introspection, told to both
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(a.deck).toBe('lab_a');
    expect(a.instruments['deck.pump'].actions['purge'].params[0].type).toBe('Enum:lab_a.Gas');
    expect(b.instruments['deck.pump'].actions['purge'].params[0].type).toBe('Enum:lab_b.Gas');
    const direct = introspectDeck({ deckName: 'lab_b', file: join(dir, 'deck.ts'), exports: { pump: new Pump() } });
    expect(b.hash).toBe(direct.hash);
    expect(b.instruments).toEqual(direct.instruments);
    logs = [];
    expect((await schema(undefined, 'lab_c')).deck).toBe('lab_c');
    expect(logs.some((m) => m.includes('from the cache'))).toBe(true);
  });

  it('ignores a corrupt entry and replaces it', async () => {
    await schema();
    const [entry] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, entry), '{ not json');
    logs = [];
    expect(await doseType()).toBe('float');
    expect(logs.find((m) => m.startsWith('deck introspected in'))).toContain('no cached schema');
    logs = [];
    await schema();
    expect(logs.some((m) => m.includes('from the cache'))).toBe(true);
  });

  it('still answers when the cache folder cannot be written, and says so', async () => {
    writeFileSync(cacheDir, 'a file where the folder should be');
    expect(await doseType()).toBe('float');
    expect(logs.some((m) => m.startsWith('the schema could not be cached'))).toBe(true);
  });
});
