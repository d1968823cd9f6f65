import type { ParamSchema } from '@ivoryos/contracts';
import { describe, expect, it } from 'vitest';
import { choicesOf, collectArgs, fieldKind, initialValue } from './schema-form';

const p = (over: Partial<ParamSchema>): ParamSchema => ({ name: 'x', type: 'float', required: true, ...over });

describe('fieldKind', () => {
  it.each([
    ['int', 'int'], ['float', 'float'], ['bool', 'bool'], ['str', 'text'], ['list', 'json'], ['dict', 'json'],
    ['Literal:a,b', 'choice'], [['int', 'NoneType'], 'int'], [['int', 'str'], 'json'],
  ] as const)('%j -> %s', (type, kind) => expect(fieldKind({ type: type as ParamSchema['type'] })).toBe(kind));
  it('an enum with choices is a select', () => expect(fieldKind({ type: 'Enum:d.Solvent', choices: [{ name: 'A', value: 'a' }] })).toBe('choice'));
});

describe('collectArgs', () => {
  it('reports every problem at once, by field', () => {
    const params = [p({ name: 'a', type: 'int' }), p({ name: 'b', type: 'float' }), p({ name: 'c', type: 'str' })];
    const { errors } = collectArgs({ params }, { a: 2.5, b: '', c: '' });
    expect(Object.keys(errors).sort()).toEqual(['a', 'b', 'c']);
    expect(errors.b).toBe('Required');
  });
  it('converts to the declared types and leaves out empty optional fields', () => {
    const params = [p({ name: 'n', type: 'int' }), p({ name: 'on', type: 'bool' }), p({ name: 'opt', type: 'float', required: false }), p({ name: 'l', type: 'list' })];
    const { args, errors } = collectArgs({ params }, { n: 3, on: true, opt: '', l: '[1, 2]' });
    expect(errors).toEqual({});
    expect(args).toEqual({ n: 3, on: true, l: [1, 2] });
  });
  it('accepts only the offered choices', () => {
    const params = [p({ name: 's', type: 'Literal:slow,fast' })];
    expect(collectArgs({ params }, { s: 'fast' }).args).toEqual({ s: 'fast' });
    expect(collectArgs({ params }, { s: 'medium' }).errors.s).toBeTruthy();
    expect(choicesOf(params[0]).map((c) => c.value)).toEqual(['slow', 'fast']);
  });
});

describe('initialValue', () => {
  it('prefills defaults', () => {
    expect(initialValue(p({ type: 'float', default: 1.5, required: false }))).toBe(1.5);
    expect(initialValue(p({ type: 'bool', default: true, required: false }))).toBe(true);
    expect(initialValue(p({ type: 'list', default: [1], required: false }))).toBe('[1]');
    expect(initialValue(p({ type: 'int' }))).toBe('');
  });
});

describe('typeHint', () => {
  it('says the type in words, and optional when it is', async () => {
    const { typeHint } = await import('./schema-form');
    expect(typeHint(p({ type: 'int' }))).toBe('whole number');
    expect(typeHint(p({ type: ['Enum:lab.Solvent', 'NoneType'], required: false }))).toBe('one of the choices, optional');
    expect(typeHint(p({ type: 'float', required: false, default: 1 }))).toBe('number, optional');
  });
});

describe('placeholderOf', () => {
  it('says what an empty optional field stands for', async () => {
    const { placeholderOf } = await import('./schema-form');
    const solvents = [{ name: 'Acetone', value: 'Acetone' }, { name: 'Methanol', value: 'Methanol' }];
    expect(placeholderOf(p({ type: ['Enum:lab.Solvent', 'NoneType'], required: false, choices: solvents, doc: 'solvent to dose; Methanol when not given' }))).toBe('Methanol (when not given)');
    expect(placeholderOf(p({ type: 'float', required: false, default: 1.5 }))).toBe('1.5 (default)');
    expect(placeholderOf(p({ type: ['Enum:lab.Solvent', 'NoneType'], required: false, choices: solvents }))).toBe("not given: the method's own default");
    expect(placeholderOf(p({ type: 'int' }))).toBe('');
  });
});
