import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { User, type UserRole } from '@ivoryos/db';
import { AccessDenied, Unauthenticated } from './auth-errors';
import type { TokenResponse } from './dto/login.dto';
import { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './passwords';
import { TOKEN_TTL, TokenService, type TokenClaims, type TokenType } from './tokens';
import { toUserResponse } from './user-mapping';
import type { AuthActor } from '../common/actor';

export interface LoginResult {
  tokens: TokenResponse;
  /** The session cookie's JWT, for browsers and SSE. */
  sessionToken: string;
}

const BAD_CREDENTIALS = 'Invalid username or password';
const NO_LONGER_VALID = 'This sign-in is no longer valid (user disabled, removed or password reset); sign in again';

/** Sign-in, token refresh, and turning a token into the user it stands for. */
@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly em: EntityManager,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    await this.throttle.check(username, address);
    const em = this.em.fork();
    const user = await em.findOne(User, { username });
    // Unknown users cost the same hashing work as wrong passwords, so timing tells nothing.
    const valid = await verifyPassword(user?.passwordHash ?? (await this.unknownUserHash()), password);
    if (!user || !valid) {
      await this.throttle.fail(username, address);
      throw new Unauthenticated(BAD_CREDENTIALS);
    }
    if (user.disabled) throw new AccessDenied(`User '${username}' is disabled; ask an admin`);
    await this.throttle.reset(username, address);
    user.lastLoginAt = new Date();
    await em.flush();
    const [tokens, sessionToken] = await Promise.all([this.issue(user), this.tokens.sign('session', user)]);
    return { tokens, sessionToken };
  }

  /**
   * A refresh token works once: trading it in revokes it. A second use means two parties hold it (one
   * of them took a copy), and nobody can tell which is the user: every session of the user ends.
   */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const claims = await this.tokens.verify(refreshToken, 'refresh');
    if (!claims) throw new Unauthenticated('The refresh token is invalid or has expired; sign in again');
    const em = this.em.fork();
    const user = await em.findOne(User, { id: claims.sub });
    if (!user || user.disabled || user.tokenVersion !== claims.ver) throw new Unauthenticated(NO_LONGER_VALID);
    if (!(await this.revoke([claims]))) {
      await this.em.getConnection().execute('update app_user set token_version = token_version + 1 where id = ? and token_version = ?', [user.id, claims.ver]);
      throw new Unauthenticated('This refresh token was already used or signed out, so every session of this user has been ended; sign in again');
    }
    return this.issue(user);
  }

  /**
   * Signs out: revokes the given tokens (the caller's own, and a refresh token if sent) or, with
   * `everywhere`, every token the user holds. Tokens of other users are ignored.
   */
  async logout(userId: string, tokens: { token: string; typ: TokenType }[], everywhere: boolean): Promise<void> {
    if (everywhere) {
      await this.em.getConnection().execute('update app_user set token_version = token_version + 1 where id = ?', [userId]);
      return;
    }
    const claims = (await Promise.all(tokens.map(({ token, typ }) => this.tokens.verify(token, typ)))).filter((c): c is TokenClaims => c?.sub === userId);
    await this.revoke(claims);
  }

  /** Records tokens as revoked until they expire; false when one already was. Drops expired records. */
  private async revoke(claims: TokenClaims[]): Promise<boolean> {
    if (!claims.length) return true;
    const conn = this.em.getConnection();
    await conn.execute('delete from revoked_token where expires_at < now()');
    const rows = await conn.execute<{ jti: string }[]>(
      `insert into revoked_token (jti, expires_at, revoked_at) values ${claims.map(() => '(?, ?, now())').join(', ')} on conflict (jti) do nothing returning jti`,
      claims.flatMap((c) => [c.jti, new Date(c.exp * 1000)]),
    );
    return rows.length === claims.length;
  }

  /** The user behind an access token (Authorization header) or session token (cookie). */
  async actorForToken(token: string, typ: Extract<TokenType, 'access' | 'session'>): Promise<AuthActor> {
    const claims = await this.tokens.verify(token, typ);
    if (!claims) throw new Unauthenticated(`The ${typ === 'session' ? 'session' : 'access token'} is invalid or has expired; sign in again`);
    // On every request: a primary-key lookup of the columns needed, without an entity manager fork and hydration.
    const [row] = await this.em.getConnection().execute<{ id: string; username: string; role: UserRole; disabled: boolean; token_version: number; revoked: boolean }[]>(
      'select id, username, role, disabled, token_version, exists (select 1 from revoked_token where jti = ?) as revoked from app_user where id = ?',
      [claims.jti, claims.sub],
    );
    if (row?.revoked) throw new Unauthenticated(`This ${typ === 'session' ? 'session' : 'access token'} was signed out; sign in again`);
    if (!row || row.disabled || row.token_version !== claims.ver) throw new Unauthenticated(NO_LONGER_VALID);
    return { kind: 'user', id: row.id, name: row.username, role: row.role };
  }

  private async issue(user: User): Promise<TokenResponse> {
    const [accessToken, refreshToken] = await Promise.all([this.tokens.sign('access', user), this.tokens.sign('refresh', user)]);
    return {
      accessToken, refreshToken, tokenType: 'Bearer',
      expiresIn: TOKEN_TTL.access, refreshExpiresIn: TOKEN_TTL.refresh,
      user: toUserResponse(user),
    };
  }

  private unknownUserHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
