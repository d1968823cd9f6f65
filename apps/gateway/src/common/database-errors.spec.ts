import { ConnectionException, DriverException } from '@mikro-orm/core';
import { describeDatabaseError } from './database-errors';

const driverError = (message: string, code?: string) => {
  const cause = Object.assign(new Error(message), code ? { code } : {});
  return new DriverException(cause);
};

/** An error as node-postgres raises it: SQLSTATE in `code`, PostgreSQL's severity. */
const pgError = (message: string, code: string, severity: string) => Object.assign(new Error(message), { code, severity });

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
    ['a crash of another server process', driverError('terminating connection because of crash of another server process', '57P02')],
    ['a server starting up or shutting down', driverError('the database system is shutting down', '57P03')],
    ['too many connections', driverError('too many connections for role "x"', '53300')],
    ['a database that refuses connections (raw, at connect)', pgError('database "x" is not currently accepting connections', '55000', 'FATAL')],
    ['a database that refuses connections (wrapped)', new DriverException(pgError('database "x" is not currently accepting connections', '55000', 'FATAL'))],
    ['a connection failure (class 08)', pgError('connection failure', '08006', 'FATAL')],
    ['a server that rejected the connection (class 08)', pgError('server rejected the connection', '08004', 'FATAL')],
  ])('answers 503 with Retry-After for %s', (_what, err) => {
    expect(describeDatabaseError(err)).toMatchObject({ status: 503, retryAfterSeconds: expect.any(Number) });
  });

  it('leaves 55000 on a statement (the session goes on) to the generic handling', () => {
    expect(describeDatabaseError(driverError('cannot lock rows', '55000'))).toBeUndefined();
    expect(describeDatabaseError(pgError('object not in prerequisite state', '55000', 'ERROR'))).toBeUndefined();
  });

  it('answers 409 for a unique violation', () => {
    expect(describeDatabaseError(driverError('duplicate key value violates unique constraint', '23505'))?.status).toBe(409);
  });

  it('leaves other errors to the generic 500', () => {
    expect(describeDatabaseError(driverError('column "nope" does not exist', '42703'))).toBeUndefined();
    expect(describeDatabaseError(new Error('something else'))).toBeUndefined();
  });
});
