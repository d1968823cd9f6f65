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
}

/** Signs and checks the gateway's JWTs (HS256 with the shared secret). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(typ: TokenType, user: { id: string; tokenVersion: number }): Promise<string> {
    return this.jwt.signAsync({ typ, ver: user.tokenVersion }, { subject: user.id, expiresIn: TOKEN_TTL[typ], algorithm: 'HS256' });
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
  const { sub, typ, ver } = payload;
  if (typ !== expected || typeof sub !== 'string' || !sub || typeof ver !== 'number' || !Number.isInteger(ver)) return undefined;
  return { sub, typ: expected, ver };
}
