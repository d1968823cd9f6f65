import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveSeeds } from './optimizer-seeds';

describe('resolveSeeds from CSV files under config_csv/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
  mkdirSync(join(dir, 'config_csv'));
  writeFileSync(join(dir, 'config_csv', 'old.csv'), 'x,solvent,y,note\n1.5,water,0.25,a\n2,ethanol,,b\n3,water,n/a,c\n4,water,1e-3,d\n');
  writeFileSync(join(dir, 'config_csv', 'no-y.csv'), 'x,solvent\n1,water\n');
  const columns = { parameters: [{ name: 'x', type: 'float' }, { name: 'solvent', type: 'str' }], outputs: ['y'] } as never;
  const em = {} as EntityManager; // not touched for files

  it('keeps the rows with every parameter and a numeric objective, typed', async () => {
    const { seeded, errors } = await resolveSeeds(em, { seedFrom: [{ csv: 'old.csv' }] }, columns, dir);
    expect(errors).toEqual([]);
    expect(seeded).toEqual([
      { parameters: { x: 1.5, solvent: 'water' }, outputs: { y: 0.25 } },
      { parameters: { x: 4, solvent: 'water' }, outputs: { y: 0.001 } },
    ]);
  });

  it('names the missing file or columns by field path', async () => {
    const { errors } = await resolveSeeds(em, { seedFrom: [{ csv: 'old.csv' }, { csv: 'gone.csv' }, { csv: 'no-y.csv' }] }, columns, dir);
    expect(errors).toEqual([
      { path: 'optimizer.seedFrom[1].csv', message: "no file 'gone.csv' under config_csv/" },
      { path: 'optimizer.seedFrom[2].csv', message: 'the file has no column for y' },
    ]);
  });
});
