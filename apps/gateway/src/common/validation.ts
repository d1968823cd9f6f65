import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@ivoryos/contracts';
import { BadInput } from './domain-errors';

/** Flatten class-validator's tree into `{ path: "parameters[3].temp", message }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = joinPath(parent, e.property);
    for (const message of Object.values(e.constraints ?? {})) out.push({ path, message: rewriteMessage(message, e.property, path) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

// class-validator names the bare property ("2 must be ..."); name the full path instead.
function rewriteMessage(message: string, property: string, path: string): string {
  return message.startsWith(`${property} `) ? `${path}${message.slice(property.length)}` : message;
}

export function toBadInput(errors: ValidationError[]): BadInput {
  const fields = flattenValidationErrors(errors);
  const summary = fields.slice(0, 3).map((f) => f.message).join('; ');
  return new BadInput(fields.length > 3 ? `${summary}; and ${fields.length - 3} more` : summary || 'Invalid request', fields);
}

/** The one validation pipe: strict bodies (unknown fields refused), conversion of query strings. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // One message per field: the first rule it breaks.
    stopAtFirstError: true,
    exceptionFactory: toBadInput,
  });
}
