import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { User, type UserRole } from '@ivoryos/db';
import { AccessDenied, Unauthenticated } from './auth-errors';
import type { TokenResponse } from './dto/login.dto';
import { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './passwords';
import { TOKEN_TTL, TokenService, type TokenType } from './tokens';
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

  async refresh(refreshToken: string): Promise<TokenResponse> {
    const user = await this.userForToken(refreshToken, 'refresh');
    return this.issue(user);
  }

  /** The user behind an access token (Authorization header) or session token (cookie). */
  async actorForToken(token: string, typ: Extract<TokenType, 'access' | 'session'>): Promise<AuthActor> {
    const claims = await this.tokens.verify(token, typ);
    if (!claims) throw new Unauthenticated(`The ${typ === 'session' ? 'session' : 'access token'} is invalid or has expired; sign in again`);
    // On every request: a primary-key lookup of the columns needed, without an entity manager fork and hydration.
    const [row] = await this.em.getConnection().execute<{ id: string; username: string; role: UserRole; disabled: boolean; token_version: number }[]>(
      'select id, username, role, disabled, token_version from app_user where id = ?',
      [claims.sub],
    );
    if (!row || row.disabled || row.token_version !== claims.ver) throw new Unauthenticated(NO_LONGER_VALID);
    return { kind: 'user', id: row.id, name: row.username, role: row.role };
  }

  // The row is read on every request (a primary-key lookup), so disabling a user, a password
  // reset or a role change applies to tokens already issued.
  private async userForToken(token: string, typ: TokenType): Promise<User> {
    const claims = await this.tokens.verify(token, typ);
    if (!claims) throw new Unauthenticated(`The ${typ === 'session' ? 'session' : `${typ} token`} is invalid or has expired; sign in again`);
    const user = await this.em.fork().findOne(User, { id: claims.sub });
    if (!user || user.disabled || user.tokenVersion !== claims.ver) throw new Unauthenticated(NO_LONGER_VALID);
    return user;
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
