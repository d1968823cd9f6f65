import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AccessLevel } from './roles';

export const ACCESS_METADATA = 'ivoryos:access';

/**
 * Who may call a route: `public`, or the least role (`viewer` < `operator` < `admin`). Put it on
 * the controller, the method, or both (the method wins). Every route must have one: the gateway
 * refuses to start otherwise. Non-public routes are documented with both security schemes.
 */
export function Access(level: AccessLevel): ClassDecorator & MethodDecorator {
  if (level === 'public') return applyDecorators(SetMetadata(ACCESS_METADATA, level));
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, level),
    ApiBearerAuth('bearer'),
    ApiCookieAuth('cookie'),
    ApiUnauthorizedResponse({ description: 'No valid token, session cookie or API key' }),
    ApiForbiddenResponse({ description: `Needs role ${level} or higher (API keys: and their deck)` }),
  );
}
