import { MikroORM } from '@mikro-orm/postgresql';
import net from 'node:net';
import { ormOptions } from '@ivoryos/db';
import { TEST_PG_URL } from '@ivoryos/testing';
import { describeDatabaseError } from '../common/database-errors';

/**
 * A database that stops answering must fail a request (answered 503), not hold it: a route that
 * black-holes packets gives no ECONNREFUSED, and TCP alone would wait minutes.
 */
describe('database timeouts', () => {
  let blackHole: net.Server;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    // Accepts connections and never says a word, like a server behind a dropped route.
    blackHole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  const failure = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      await run();
    } catch (err) {
      return err;
    }
    throw new Error('expected the query to fail');
  };

  it('gives up connecting to a server that never answers, with an error answered 503', async () => {
    const { port } = blackHole.address() as net.AddressInfo;
    const orm = await MikroORM.init({ ...ormOptions({ clientUrl: `postgres://postgres@127.0.0.1:${port}/nowhere`, connectTimeoutMs: 300 }), connect: false });
    try {
      const err = await failure(() => orm.em.fork().execute('select 1'));
      expect(describeDatabaseError(err)).toMatchObject({ status: 503 });
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      await orm.close(true);
    }
  }, 15_000);

  it('cancels a query that runs past the limit, with an error answered 503, and the pool stays usable', async () => {
    const orm = await MikroORM.init(ormOptions({ clientUrl: TEST_PG_URL, queryTimeoutMs: 300 }));
    try {
      const err = await failure(() => orm.em.fork().execute('select pg_sleep(5)'));
      expect(describeDatabaseError(err)).toMatchObject({ status: 503 });
      expect(await orm.em.fork().execute('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await orm.close(true);
    }
  }, 15_000);
});
