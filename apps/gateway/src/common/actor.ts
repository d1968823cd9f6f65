import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from '@ivoryos/contracts';
import type { UserRole } from '@ivoryos/db';

/** The caller as the auth guard established it: a user (token or session cookie) or an API key. */
export interface AuthActor extends Actor {
  kind: 'user' | 'key';
  role: UserRole;
  /** Set for API keys limited to one deck. */
  deck?: string;
}

export type RequestWithActor = Request & { actor?: AuthActor };

/** Who is calling, as the auth guard established it. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthActor => {
  const req = ctx.switchToHttp().getRequest<RequestWithActor>();
  if (!req.actor) throw new Error('CurrentActor used on a route without an authenticated actor');
  return req.actor;
});
