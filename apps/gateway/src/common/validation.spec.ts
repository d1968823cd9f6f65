import { ValidationError } from 'class-validator';
import { flattenValidationErrors, joinPath, toBadInput } from './validation';

function err(property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

describe('validation error paths', () => {
  it('joins object keys with dots and array indexes with brackets', () => {
    expect(joinPath('', 'parameters')).toBe('parameters');
    expect(joinPath('parameters', '3')).toBe('parameters[3]');
    expect(joinPath('parameters[3]', 'temp')).toBe('parameters[3].temp');
    expect(joinPath('rows', 0)).toBe('rows[0]');
  });

  it('flattens nested errors and names the full path in each message', () => {
    const tree = [
      err('script_dict', undefined, [
        err('script', undefined, [err('2', undefined, [err('instrument', { isString: 'instrument must be a string' })])]),
      ]),
      err('name', { maxLength: 'name must be shorter than or equal to 50 characters' }),
    ];
    expect(flattenValidationErrors(tree)).toEqual([
      { path: 'script_dict.script[2].instrument', message: 'script_dict.script[2].instrument must be a string' },
      { path: 'name', message: 'name must be shorter than or equal to 50 characters' },
    ]);
  });

  it('summarises many problems in the message and keeps all in errors', () => {
    const e = toBadInput(['a', 'b', 'c', 'd', 'e'].map((p) => err(p, { x: `${p} is wrong` })));
    expect(e.message).toBe('a is wrong; b is wrong; c is wrong; and 2 more');
    expect(e.errors).toHaveLength(5);
    expect(e.status).toBe(400);
  });
});
