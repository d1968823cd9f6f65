import { ConnectionException, DriverException } from '@mikro-orm/core';
import { describeDatabaseError } from './database-errors';

const driverError = (message: string, code?: string) => {
  const cause = Object.assign(new Error(message), code ? { code } : {});
  return new DriverException(cause);
};

describe('describeDatabaseError', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ["MikroORM's connection exception", new ConnectionException(new Error('connection lost'))],
    // A pooled connection cut under a query: node-postgres' message, no SQLSTATE (seen in tools/chaos/postgres-outage).
    ['a pooled connection that died mid-query', driverError('select 1 - Connection terminated unexpectedly')],
    ['a connection that ended during the handshake', driverError('Connection ended unexpectedly')],
    ['a client that broke earlier', driverError('Client has encountered a connection error and is not queryable')],
    ['a pool that could not connect in time', new Error('Knex: Timeout acquiring a connection. The pool is probably full.')],
    ['a query the server stopped answering', driverError('select 1 - Query read timeout')],
    ['a query cancelled by statement_timeout', driverError('canceling statement due to statement timeout', '57014')],
    ['an administrator shutdown', driverError('terminating connection due to administrator command', '57P01')],
  ])('answers 503 for %s', (_what, err) => {
    expect(describeDatabaseError(err)?.status).toBe(503);
  });

  it('answers 409 for a unique violation', () => {
    expect(describeDatabaseError(driverError('duplicate key value violates unique constraint', '23505'))?.status).toBe(409);
  });

  it('leaves other errors to the generic 500', () => {
    expect(describeDatabaseError(driverError('column "nope" does not exist', '42703'))).toBeUndefined();
    expect(describeDatabaseError(new Error('something else'))).toBeUndefined();
  });
});
