import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@ivoryos/contracts';
import { BadInput } from './domain-errors';
import { joinPath } from './field-path';
import { findHostileValue } from './hostile-input';

export { joinPath } from './field-path';

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


// class-validator names the bare property ("2 must be ..."); name the full path instead.
function rewriteMessage(message: string, property: string, path: string): string {
  return message.startsWith(`${property} `) ? `${path}${message.slice(property.length)}` : message;
}

export function toBadInput(errors: ValidationError[]): BadInput {
  const fields = flattenValidationErrors(errors);
  const summary = fields.slice(0, 3).map((f) => f.message).join('; ');
  return new BadInput(fields.length > 3 ? `${summary}; and ${fields.length - 3} more` : summary || 'Invalid request', fields);
}

/**
 * Multipart fields and uploads reach the pipes without the JSON check before routing
 * (hostile-input.ts), and a JSON field (`parameters`) becomes nested values here: check what the
 * route will get once more.
 */
class CheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const out: unknown = await super.transform(value, metadata);
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problem = findHostileValue(out);
      if (problem) throw BadInput.field(problem.path, problem.message);
    }
    return out;
  }
}

/** The one validation pipe: strict bodies (unknown fields refused), conversion of query strings. */
export function createValidationPipe(): ValidationPipe {
  return new CheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // One message per field: the first rule it breaks.
    stopAtFirstError: true,
    exceptionFactory: toBadInput,
  });
}
