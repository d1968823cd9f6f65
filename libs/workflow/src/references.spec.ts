import { argumentReference, MissingValueError, substituteArgs, substituteText, textReferences } from './references';

describe('substituteArgs (IvoryOS _substitute_params, §4.1)', () => {
  it('replaces an exact #name with the typed value and #names inside text with their str()', () => {
    expect(substituteArgs({ exact: '#sample_id', message: 'Running #sample_id at #temperature', literal: 5 }, { sample_id: 'A1', temperature: 37 }))
      .toEqual({ exact: 'A1', message: 'Running A1 at 37', literal: 5 });
  });

  it('keeps the type of an exact reference and formats text like Python', () => {
    expect(substituteArgs({ a: '#n', b: '#flag', c: 'flag=#flag none=#nothing list=#items' }, { n: 2.5, flag: true, nothing: null, items: [1, 'a'] }))
      .toEqual({ a: 2.5, b: true, c: "flag=True none=None list=[1, 'a']" });
  });

  it('resolves the legacy {name: "function_output"} form to the variable', () => {
    expect(substituteArgs({ amount: { reading: 'function_output' } }, { reading: 4 })).toEqual({ amount: 4 });
  });

  it('fails on a missing reference instead of passing None (IvoryOS gives None for an exact #name)', () => {
    expect(() => substituteArgs({ a: '#missing' }, {})).toThrow(new MissingValueError('missing'));
    expect(() => substituteArgs({ a: 'x #missing' }, {})).toThrow("Missing value for '#missing'");
  });

  it('leaves text that only looks like a reference alone: C#, vial #1', () => {
    expect(substituteArgs({ a: 'C#', b: 'vial #1', c: '#' }, {})).toEqual({ a: 'C#', b: 'vial #1', c: '#' });
  });

  it('never reads inherited properties', () => {
    expect(() => substituteArgs({ a: '#toString' }, {})).toThrow(MissingValueError);
  });
});

describe('references', () => {
  it('classifies argument values', () => {
    expect(argumentReference('#x')).toEqual({ kind: 'exact', name: 'x' });
    expect(argumentReference('a #x and #y, #x')).toEqual({ kind: 'text', names: ['x', 'y'] });
    expect(argumentReference({ x: 'function_output' })).toEqual({ kind: 'legacy', name: 'x' });
    expect(argumentReference('plain')).toBeNull();
    expect(argumentReference(5)).toBeNull();
    expect(argumentReference({ x: 1 })).toBeNull();
    expect(textReferences('#a #b #a #1')).toEqual(['a', 'b']);
  });

  it('keeps unknown names in display text when asked to', () => {
    expect(substituteText('high #score, see #note', { score: 0.9 }, 'keep')).toBe('high 0.9, see #note');
  });
});
