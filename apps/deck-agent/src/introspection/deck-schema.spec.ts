import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deckSchema } from './deck-schema';

// A deck on disk (read by the type checker) and a runtime object of the same shape (what the agent loaded).
class Pump {
  dose(volume: number): number {
    return volume;
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
      '}',
      'export const pump = new Pump();',
      '',
    ].join('\n'));
  };
  const schema = (exports: object = { pump: new Pump() }) =>
    deckSchema({ deckName: 'cached', file: join(dir, 'deck.ts'), exports, cacheDir, log: (m) => logs.push(m) });
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
