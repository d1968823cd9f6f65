import { USER_ROLES } from '@ivoryos/db';
import { isRole, roleAllows } from './roles';

describe('roleAllows', () => {
  it('orders viewer < operator < admin', () => {
    const table = USER_ROLES.map((role) => [role, USER_ROLES.filter((level) => roleAllows(role, level))]);
    expect(table).toEqual([
      ['viewer', ['viewer']],
      ['operator', ['viewer', 'operator']],
      ['admin', ['viewer', 'operator', 'admin']],
    ]);
  });

  it('lets every role through public routes', () => {
    for (const role of USER_ROLES) expect(roleAllows(role, 'public')).toBe(true);
  });
});

describe('isRole', () => {
  it('accepts the three roles only', () => {
    expect(USER_ROLES.every(isRole)).toBe(true);
    for (const v of ['public', 'Admin', 'root', '', null, 3]) expect(isRole(v)).toBe(false);
  });
});
