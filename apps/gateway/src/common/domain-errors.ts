import { HttpStatus } from '@nestjs/common';
import type { FieldError } from '@ivoryos/contracts';

/** An error the client caused or can act on; the exception filter maps it to its status. */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    message: string,
    readonly errors?: FieldError[],
    /** Extra keys for the error body (e.g. the id of a call whose outcome is pending). */
    readonly details?: Record<string, string | number | boolean | null>,
  ) {
    super(message);
  }
}

export class BadInput extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(HttpStatus.BAD_REQUEST, message, errors);
  }

  static field(path: string, message: string): BadInput {
    return new BadInput(`${path}: ${message}`, [{ path, message }]);
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string, path?: string) {
    super(HttpStatus.NOT_FOUND, `${what} '${id}' not found`, path ? [{ path, message: `${what} '${id}' not found` }] : undefined);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(HttpStatus.CONFLICT, message, errors);
  }
}

export class Unavailable extends DomainError {
  constructor(message: string) {
    super(HttpStatus.SERVICE_UNAVAILABLE, message);
  }
}

export class GatewayTimeout extends DomainError {
  constructor(message: string, details?: Record<string, string>) {
    super(HttpStatus.GATEWAY_TIMEOUT, message, undefined, details);
  }
}
