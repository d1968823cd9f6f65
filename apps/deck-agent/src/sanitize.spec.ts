import { CYCLE_MARK, sanitize } from './sanitize';

describe('sanitize', () => {
  it('keeps JSON values as they are', () => {
    const value = { a: 1, b: 'x', c: [true, false, null], d: { e: 2.5 } };
    expect(sanitize(value)).toEqual(value);
  });

  it('turns undefined into null, at the top and inside objects and arrays', () => {
    expect(sanitize(undefined)).toBeNull();
    expect(sanitize({ a: undefined })).toEqual({ a: null });
    expect(sanitize([1, undefined])).toEqual([1, null]);
  });

  it('turns NaN and the infinities into null, and -0 into 0', () => {
    expect(sanitize([NaN, Infinity, -Infinity])).toEqual([null, null, null]);
    expect(Object.is(sanitize(-0), 0)).toBe(true);
  });

  it('writes dates as ISO text and an invalid date as null', () => {
    expect(sanitize(new Date('2024-05-01T12:00:00.000Z'))).toBe('2024-05-01T12:00:00.000Z');
    expect(sanitize(new Date('nope'))).toBeNull();
  });

  it('turns a Map into an object and a Set into an array, recursively', () => {
    const map = new Map<unknown, unknown>([
      ['a', new Set([1, 2])],
      [3, new Date(0)],
    ]);
    expect(sanitize(map)).toEqual({ a: [1, 2], 3: '1970-01-01T00:00:00.000Z' });
  });

  it('writes BigInt as text', () => {
    expect(sanitize({ n: 12345678901234567890n })).toEqual({ n: '12345678901234567890' });
  });

  it('reduces class instances to their own enumerable data, leaving methods out', () => {
    class Reading {
      unit = 'mg';
      constructor(readonly value: number) {}
      get doubled(): number {
        return this.value * 2;
      }
      describe(): string {
        return `${this.value}`;
      }
    }
    expect(sanitize(new Reading(4))).toEqual({ value: 4, unit: 'mg' });
    expect(sanitize({ fn: () => 1, keep: 1 })).toEqual({ keep: 1 });
  });

  it('uses toJSON when a value has one, and reduces errors to name and message', () => {
    expect(sanitize({ toJSON: () => ({ v: 1 }) })).toEqual({ v: 1 });
    expect(sanitize(new RangeError('too far'))).toEqual({ name: 'RangeError', message: 'too far' });
  });

  it('turns typed arrays and buffers into number arrays', () => {
    expect(sanitize(new Uint8Array([1, 2]))).toEqual([1, 2]);
    expect(sanitize(Buffer.from([3]))).toEqual([3]);
  });

  it('cuts cycles and copies shared values that are not cycles', () => {
    const node: { name: string; self?: unknown; list: unknown[] } = { name: 'n', list: [] };
    node.self = node;
    node.list.push(node);
    expect(sanitize(node)).toEqual({ name: 'n', self: CYCLE_MARK, list: [CYCLE_MARK] });

    const shared = { x: 1 };
    expect(sanitize({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('gives a value that survives JSON unchanged', () => {
    const out = sanitize({ when: new Date(0), n: 1n, m: new Map([[1, NaN]]) });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});
