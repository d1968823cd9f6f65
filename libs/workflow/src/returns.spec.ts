import type { JsonValue, WorkflowAction } from '@ivoryos/contracts';
import { storeReturnValue } from './returns';
import { sanitizeForJson } from './sanitize';

const action = (ret: string | string[]): WorkflowAction => ({ id: 1, uuid: 1, instrument: 'deck.a', action: 'm', args: {}, return: ret });

function store(ret: string | string[], result: unknown): Record<string, JsonValue> {
  const ctx: Record<string, JsonValue> = {};
  storeReturnValue(action(ret), result, (name, value) => {
    ctx[name] = value;
  });
  return ctx;
}

enum Status { OK = 'ok' }

describe('storeReturnValue (IvoryOS store_return_value, §4.5)', () => {
  it('saves a scalar result (an enum as its value)', () => {
    expect(store('status', Status.OK)).toEqual({ status: 'ok' });
  });

  it('saves tuple items by slot, skipping empty slots and sanitising items', () => {
    expect(store(['first', '', 'third'], [1, 2, { values: new Set([3, 4]) }])).toEqual({ first: 1, third: { values: [3, 4] } });
  });

  it('saves nothing for a null or undefined result or no return name', () => {
    expect(store('x', null)).toEqual({});
    expect(store('x', undefined)).toEqual({});
    expect(store('', 5)).toEqual({});
    expect(store(['', ''], [1, 2])).toEqual({});
  });

  it('fails when a slot has no item', () => {
    expect(() => store(['a', 'b'], [1])).toThrow("Cannot save return value 1 as 'b'; result is not indexable at that position.");
    expect(() => store(['a'], 5)).toThrow("Cannot save return value 0 as 'a'");
  });
});

describe('sanitizeForJson (IvoryOS sanitize_for_json, §6.7)', () => {
  it('turns dates, enums, tuples, sets and unknown objects into JSON', () => {
    class NotJson {
      readonly label = 'x';
      method(): number {
        return 1;
      }
    }
    const value = sanitizeForJson({ when: new Date(Date.UTC(2026, 4, 14)), status: Status.OK, items: [1, new Set([3, 2])], unknown: new NotJson() });
    expect(value).toEqual({ when: '2026-05-14T00:00:00.000Z', status: 'ok', items: [1, [3, 2]], unknown: { label: 'x' } });
  });

  it('never fails on values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(sanitizeForJson(cyclic)).toEqual({ a: 1, self: '[Circular]' });
    expect(sanitizeForJson([NaN, Infinity, 10n, undefined, () => 1, Symbol('s')])).toEqual([null, null, 10, null, '[Function anonymous]', 'Symbol(s)']);
    expect(Object.is(sanitizeForJson(-0), 0)).toBe(true);
    expect(sanitizeForJson(new Map<unknown, unknown>([[1, new Uint8Array([2])]]))).toEqual({ 1: [2] });
    expect(sanitizeForJson({ toJSON: () => 'custom' })).toBe('custom');
    expect(sanitizeForJson(new RangeError('bad'))).toBe('RangeError: bad');
    expect(sanitizeForJson({ skip: undefined, keep: 0 })).toEqual({ keep: 0 });
  });

  it('keeps a __proto__ key as data', () => {
    const value = sanitizeForJson(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
