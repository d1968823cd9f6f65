import { hashPassword, verifyPassword } from './passwords';

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses hashes it cannot read, and absurd cost parameters', async () => {
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$abc$def', 'x')).toBe(false);
    expect(await verifyPassword('scrypt$4294967296$8$1$c2FsdA$aGFzaA', 'x')).toBe(false);
    expect(await verifyPassword('', 'x')).toBe(false);
  });
});
