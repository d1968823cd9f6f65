import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

function define(name: string, test: (value: unknown) => boolean, describe: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message: `$property must be ${describe}`, ...options },
      validator: { validate: test },
    });
}

export const IsIntOrString = (o?: ValidationOptions) =>
  define('isIntOrString', (v) => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && v.length <= 64), 'an integer or a string of at most 64 characters', o);

export const IsStringOrStringArray = (o?: ValidationOptions) =>
  define('isStringOrStringArray', (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')), 'a string or a list of strings', o);

export const IsStringArrayOrBoolean = (o?: ValidationOptions) =>
  define('isStringArrayOrBoolean', (v) => typeof v === 'boolean' || (Array.isArray(v) && v.every((s) => typeof s === 'string')), 'a list of strings or a boolean', o);

/** A plain JSON object (not an array, not null). */
export const IsPlainObject = (o?: ValidationOptions) =>
  define('isPlainObject', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object', o);

/**
 * May be left out, but not sent as null: unlike @IsOptional, null goes through the field's rules
 * (and fails them). For updates whose service applies every field that is not undefined.
 */
export const IsOmittable = () => ValidateIf((_: object, v: unknown) => v !== undefined);
