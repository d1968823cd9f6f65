import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** Each token says what it is, so none can stand in for another. */
export const TOKEN_TYPES = ['access', 'refresh', 'session'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** Lifetimes in seconds. */
export const TOKEN_TTL: Record<TokenType, number> = {
  access: 15 * 60,
  refresh: 7 * 24 * 60 * 60,
  session: 12 * 60 * 60,
};

export interface TokenClaims {
  /** User id. */
  sub: string;
  typ: TokenType;
  /** The user's tokenVersion when issued. */
  ver: number;
  /** This token's id (a UUID), by which signing out revokes it. */
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Signs and checks the gateway's JWTs (HS256 with the shared secret). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(typ: TokenType, user: { id: string; tokenVersion: number }): Promise<string> {
    return this.jwt.signAsync({ typ, ver: user.tokenVersion }, { subject: user.id, jwtid: randomUUID(), expiresIn: TOKEN_TTL[typ], algorithm: 'HS256' });
  }

  /** The claims of a valid, unexpired token of the expected type; undefined for anything else. */
  async verify(token: string, expected: TokenType): Promise<TokenClaims | undefined> {
    let payload: Record<string, unknown>;
    try {
      payload = await this.jwt.verifyAsync<Record<string, unknown>>(token, { algorithms: ['HS256'] });
    } catch {
      return undefined;
    }
    return checkClaims(payload, expected);
  }
}

export function checkClaims(payload: Record<string, unknown>, expected: TokenType): TokenClaims | undefined {
  const { sub, typ, ver, jti, exp } = payload;
  if (typ !== expected || typeof sub !== 'string' || !sub || typeof ver !== 'number' || !Number.isInteger(ver)) return undefined;
  // The id goes into a uuid column: anything else is not a token this gateway signed.
  if (typeof jti !== 'string' || !UUID.test(jti) || typeof exp !== 'number' || !Number.isInteger(exp)) return undefined;
  return { sub, typ: expected, ver, jti, exp };
}
