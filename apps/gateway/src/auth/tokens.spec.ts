import { JwtService } from '@nestjs/jwt';
import { checkClaims, TOKEN_TTL, TOKEN_TYPES, TokenService } from './tokens';

const user = { id: '6f1c1f43-5a55-4c8e-9d0b-4d1f2f6b8a11', tokenVersion: 3 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JTI = '0b7e5c0e-3d7a-4a39-9e8f-1f2a3b4c5d6e';

describe('TokenService', () => {
  const tokens = new TokenService(new JwtService({ secret: 's'.repeat(32) }));

  it('accepts each token only as its own type', async () => {
    for (const issued of TOKEN_TYPES) {
      const token = await tokens.sign(issued, user);
      for (const expected of TOKEN_TYPES) {
        const claims = await tokens.verify(token, expected);
        if (expected === issued) expect(claims).toEqual({ sub: user.id, typ: issued, ver: 3, jti: expect.stringMatching(UUID), exp: expect.any(Number) });
        else expect(claims).toBeUndefined();
      }
    }
  });

  it('sets the lifetimes: access 15 min, refresh 7 days, session 12 h', async () => {
    expect(TOKEN_TTL).toEqual({ access: 900, refresh: 604800, session: 43200 });
    const jwt = new JwtService({ secret: 's'.repeat(32) });
    for (const typ of TOKEN_TYPES) {
      const { iat, exp } = jwt.decode<{ iat: number; exp: number }>(await tokens.sign(typ, user));
      expect(exp - iat).toBe(TOKEN_TTL[typ]);
    }
  });

  it('refuses tokens signed with another secret, expired or tampered with', async () => {
    const other = new TokenService(new JwtService({ secret: 'o'.repeat(32) }));
    expect(await tokens.verify(await other.sign('access', user), 'access')).toBeUndefined();
    const jwt = new JwtService({ secret: 's'.repeat(32) });
    const expired = await jwt.signAsync({ typ: 'access', ver: 3, exp: Math.floor(Date.now() / 1000) - 10 }, { subject: user.id });
    expect(await tokens.verify(expired, 'access')).toBeUndefined();
    const token = await tokens.sign('access', user);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: user.id, typ: 'access', ver: 3, exp: 9_999_999_999 })).toString('base64url');
    expect(await tokens.verify(`${h}.${forged}.${s}`, 'access')).toBeUndefined();
  });

  it('gives every token its own id', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, async () => (await tokens.verify(await tokens.sign('refresh', user), 'refresh'))?.jti));
    expect(new Set(ids).size).toBe(20);
  });

  it('refuses unsigned tokens (alg none)', async () => {
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: user.id, typ: 'access', ver: 3 })).toString('base64url')}.`;
    expect(await tokens.verify(none, 'access')).toBeUndefined();
  });
});

describe('checkClaims', () => {
  const valid = { sub: 'u', typ: 'access', ver: 0, jti: JTI, exp: 2_000_000_000 };

  it('needs a subject, the expected typ, an integer version, a UUID id and an expiry', () => {
    expect(checkClaims(valid, 'access')).toEqual(valid);
    expect(checkClaims({ ...valid, typ: undefined }, 'access')).toBeUndefined();
    expect(checkClaims({ ...valid, sub: '' }, 'access')).toBeUndefined();
    expect(checkClaims({ ...valid, ver: '0' }, 'access')).toBeUndefined();
    expect(checkClaims({ ...valid, ver: 1.5 }, 'access')).toBeUndefined();
    expect(checkClaims({ ...valid, jti: undefined }, 'access')).toBeUndefined();
    // A token id goes into a uuid column; anything else must never reach the query.
    expect(checkClaims({ ...valid, jti: "x'; drop table app_user; --" }, 'access')).toBeUndefined();
    expect(checkClaims({ ...valid, jti: JTI.toUpperCase() }, 'access')).toBeUndefined();
    expect(checkClaims({ ...valid, exp: undefined }, 'access')).toBeUndefined();
  });
});
