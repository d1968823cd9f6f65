import { schemaDrift } from '@ivoryos/db';
import { createTestDatabase, type TestDatabase } from './database';


describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('produce exactly the schema the entities describe', async () => {
    const { drift, diff } = await schemaDrift(db.url);
    expect(diff).toEqual([]);
    expect(drift).toBe(false);
  });
});
