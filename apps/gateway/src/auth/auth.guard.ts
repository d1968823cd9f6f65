import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { AuthActor, RequestWithActor } from '../common/actor';
import { SESSION_COOKIE } from '../docs/openapi';
import { ACCESS_METADATA } from './access.decorator';
import { looksLikeApiKey } from './api-key-format';
import { ApiKeysService } from './api-keys.service';
import { AccessDenied, Unauthenticated } from './auth-errors';
import { AuthService } from './auth.service';
import { foreignDeck } from './deck-scope';
import { roleAllows, type AccessLevel } from './roles';

/**
 * The one global guard. Every route declares its access (AccessAudit makes sure); anything but
 * `public` needs a bearer access token, an API key or the session cookie: 401 without, 403 when
 * the role is too low or an API key limited to one deck names another.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_METADATA, [ctx.getHandler(), ctx.getClass()]);
    if (level === 'public') return true;
    if (!level || ctx.getType() !== 'http') throw new AccessDenied('This route declares no access');
    const req = ctx.switchToHttp().getRequest<RequestWithActor>();
    let actor: AuthActor;
    try {
      actor = await this.authenticate(req);
    } catch (err) {
      if (err instanceof Unauthenticated) ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="ivoryos"');
      throw err;
    }
    if (!roleAllows(actor.role, level)) throw new AccessDenied(`Needs role ${level} or higher; ${actor.name} is ${actor.role}`);
    const other = actor.deck ? foreignDeck(actor.deck, req) : undefined;
    if (other !== undefined) throw new AccessDenied(`This API key is limited to deck '${actor.deck}', not '${other}'`);
    req.actor = actor;
    return true;
  }

  private authenticate(req: RequestWithActor): Promise<AuthActor> {
    return authenticateRequest(req, this.auth, this.keys);
  }
}

/**
 * Who sent the request: a bearer access token, an API key or the session cookie; throws
 * Unauthenticated otherwise. Shared with what Express serves outside Nest's routes (/ops/queues).
 */
export async function authenticateRequest(req: RequestWithActor, auth: AuthService, keys: ApiKeysService): Promise<AuthActor> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = bearerToken(header);
    if (!token) throw new Unauthenticated('The Authorization header must be "Bearer <access token or API key>"');
    return looksLikeApiKey(token) ? keys.actorForKey(token) : auth.actorForToken(token, 'access');
  }
  const session = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  if (typeof session === 'string' && session) return auth.actorForToken(session, 'session');
  throw new Unauthenticated('Sign in: send "Authorization: Bearer <access token or API key>" or the session cookie');
}

/** The token of an `Authorization: Bearer <token>` header, as the guard reads it; undefined otherwise. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
}
