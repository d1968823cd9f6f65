import { findHostileValue, MAX_DEPTH } from './hostile-input';

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('findHostileValue', () => {
  it('accepts ordinary bodies, up to the nesting limit', () => {
    expect(findHostileValue({ name: 'dose', rows: [{ temp: 20, note: 'é 🧪' }], meta: null })).toBeUndefined();
    expect(findHostileValue(nested(MAX_DEPTH))).toBeUndefined();
  });

  it('refuses nesting beyond the limit without overflowing the stack itself', () => {
    expect(findHostileValue(nested(MAX_DEPTH + 1))).toEqual({ path: expect.any(String), message: `nests deeper than ${MAX_DEPTH} levels` });
    expect(findHostileValue(nested(200_000))?.message).toMatch(/nests deeper/);
  });

  it('names the field holding NUL or an unpaired surrogate, in values and in keys', () => {
    expect(findHostileValue({ rows: [{ temp: 1 }, { note: 'a\u0000b' }] })).toEqual({ path: 'rows[1].note', message: expect.stringMatching(/NUL/) });
    expect(findHostileValue({ name: 'x\ud800' })?.path).toBe('name');
    expect(findHostileValue({ name: 'x\udc00y' })?.path).toBe('name');
    expect(findHostileValue({ name: '\ud83e\uddea' })).toBeUndefined();
    expect(findHostileValue({ meta: { 'k\u0000': 1 } })).toEqual({ path: 'meta.k\u0000', message: expect.stringMatching(/names must not/) });
    expect(findHostileValue('\u0000')?.path).toBe('body');
  });
});
