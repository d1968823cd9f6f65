import { NotNullConstraintViolationException } from '@mikro-orm/core';
import { loggable } from './exception.filter';

describe('loggable', () => {
  it("keeps PostgreSQL's sentence and names, never the SQL values or the failing row", () => {
    const pg = Object.assign(
      new Error(`update "app_user" set "password_hash" = '$argon2id$v=19$secret' where "id" = '1' - null value in column "disabled" of relation "app_user" violates not-null constraint`),
      { code: '23502', table: 'app_user', column: 'disabled', detail: 'Failing row contains (1, fuzz, $argon2id$v=19$secret)' },
    );
    const logged = loggable(new NotNullConstraintViolationException(pg));
    expect(logged).toMatchObject({
      type: 'NotNullConstraintViolationException', code: '23502', table: 'app_user', column: 'disabled',
      message: 'null value in column "disabled" of relation "app_user" violates not-null constraint',
    });
    expect(JSON.stringify(logged)).not.toContain('argon2');
  });

  it('leaves other errors as they are', () => {
    const err = new TypeError('x');
    expect(loggable(err)).toBe(err);
  });
});
