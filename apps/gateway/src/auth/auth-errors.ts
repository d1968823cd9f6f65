import { HttpStatus } from '@nestjs/common';
import type { FieldError } from '@ivoryos/contracts';
import { DomainError } from '../common/domain-errors';

/** 401: no credentials, or ones that are invalid, expired, revoked or belong to a disabled user. */
export class Unauthenticated extends DomainError {
  constructor(message: string) {
    super(HttpStatus.UNAUTHORIZED, message);
  }
}

/** 403: the caller is known but its role or deck scope does not allow this. */
export class AccessDenied extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(HttpStatus.FORBIDDEN, message, errors);
  }

  /** A deck-scoped key naming another deck in a body field. */
  static deck(path: string, scope: string, named: string | null | undefined): AccessDenied {
    const message = `must be '${scope}': this API key is limited to that deck`;
    return new AccessDenied(`This API key is limited to deck '${scope}', not ${named ? `'${named}'` : 'no deck'}`, [{ path, message }]);
  }
}

/** 429 after too many failed logins; the controller turns `retryAfterSeconds` into Retry-After. */
export class TooManyLoginFailures extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, `Too many failed sign-ins; try again in ${retryAfterSeconds} s`);
  }
}
