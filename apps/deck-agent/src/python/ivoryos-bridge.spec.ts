import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describeWithPython, pythonForTests } from '../testing/python-available';
import { BRIDGE_SCRIPT } from './python-bridge';

/**
 * The bridge's pure logic (conversion in, sanitisation out, IvoryOS descriptors, entry detection), run by
 * the real interpreter: each case is evaluated in Python and its result (or error) compared here.
 */
const CASES = String.raw`
import datetime, enum, json, sys, typing
from dataclasses import dataclass
from typing import Dict, List, Literal, Optional, Tuple, Union
import ivoryos_bridge as b

class Color(enum.Enum):
    RED = "Red"
    BLUE = "Blue"

class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2

@dataclass
class Point:
    x: int
    y: float

class NumpyLike:
    dtype = "float64"
    def tolist(self):
        return [1.5, float("nan")]

class Plain:
    pass

out = {}
def case(name, fn):
    try:
        value = fn()
        out[name] = {"ok": b.json_safe(value), "type": type(value).__name__}
    except Exception as err:
        out[name] = {"error": type(err).__name__, "message": str(err)}

c = lambda v, ann: (lambda: b.convert(v, ann, "deck.x.m(p)"))
case("bool_false", c("false", bool)); case("bool_maybe", c("maybe", bool)); case("bool_1", c(1, bool))
case("int_text", c("42", int)); case("int_frac", c("5.5", int)); case("int_bool", c(True, int)); case("int_whole_float", c(3.0, int))
case("float_text", c("2", float)); case("float_hot", c("hot", float)); case("str_num", c(5, str))
case("enum_name", c("RED", Color)); case("enum_value", c("Blue", Color)); case("enum_bad", c("Green", Color)); case("intenum", c(2, Level))
case("opt_enum_empty", c("", Optional[Color])); case("opt_enum_none", c("None", Optional[Color])); case("opt_enum_value", c("Red", Optional[Color]))
case("opt_int", c("7", Optional[int])); case("union", c("x", Union[int, str]))
case("lit_text_int", c("3", Literal[1, 3, 5])); case("lit_bad", c("Turbo", Literal["Fast", "Slow"])); case("lit_ok", c("Fast", Literal["Fast", "Slow"]))
case("list_csv", c("a, b ,c", List[str])); case("list_json", c("[20, 25.5]", list)); case("list_ints", c("1,2,3", List[int])); case("list_bad_item", c(["1", "x"], List[int]))
case("tuple", c(["4", "y"], Tuple[int, str])); case("tuple_len", c([1], Tuple[int, str])); case("dict_json", c('{"a": 1}', Dict[str, float]))
case("date", c("2026-05-14", Optional[datetime.date])); case("unannotated", c({"k": [1]}, b.inspect.Parameter.empty)); case("class_not_built", c("COM3", Plain))

j = lambda v: (lambda: v)
case("nan", j(float("nan"))); case("inf", j(float("-inf"))); case("big_int", j(2 ** 64)); case("enum_out", j(Color.RED))
case("tuple_out", j((1, "a", None))); case("set_out", j({3, 1, 2})); case("bytes_out", j(b"ab")); case("plain_out", j(Plain()))
case("datetime_out", j(datetime.datetime(2026, 1, 2, 3, 4, 5))); case("numpy_like", j(NumpyLike())); case("tuple_key", j({(1, 2): "x", 3: "y"}))
case("dataclass", j(Point(1, 2.5)))
cyc = [1]; cyc.append(cyc); case("cycle", j(cyc))

intro = b.Introspector(sys.modules[__name__], "/decks/my_deck.py")
d = lambda ann: (lambda: intro.descriptor(ann))
case("d_int", d(int)); case("d_opt", d(Optional[int])); case("d_list", d(List[str])); case("d_dict", d(Dict[str, int])); case("d_lit", d(Literal["a", "b"]))
case("d_empty", d(b.inspect.Parameter.empty)); case("d_text", d("Optional[float]")); case("d_enum", d(Color)); case("d_opt_enum", d(Optional[Color]))
case("d_any", d(typing.Any)); case("d_plain", d(Plain))
if sys.version_info >= (3, 10):
    case("d_pipe", d(eval("int | None")))
def ret(ann):
    def f(): pass
    f.__annotations__["return"] = ann
    return lambda: intro.return_format(b.inspect.signature(f))
case("r_tuple", ret(Tuple[int, float, str])); case("r_var", ret(Tuple[int, ...])); case("r_none", ret(None)); case("r_dict", ret(Dict[str, int]))
case("r_text", ret("tuple[int, str]")); case("r_scalar", ret(float))
def noann(): pass
case("r_unannotated", lambda: intro.return_format(b.inspect.signature(noann)))

main = lambda src: (lambda: b.main_block_calls_run(src.encode()))
case("main_yes", main('import ivoryos\nx = 1\nif __name__ == "__main__":\n    a = 1\n    ivoryos.run(__name__)\n'))
case("main_from", main('from ivoryos import run\nif "__main__" == __name__:\n    run(__name__)\n'))
case("main_no_run", main('if __name__ == "__main__":\n    print(1)\n'))
case("main_outside", main('import ivoryos\nivoryos.run(__name__)\n'))
print(json.dumps(out))
`;

type Result = { ok: unknown; type: string } | { error: string; message: string };

describeWithPython('ivoryos_bridge.py (pure logic, run by python3)', () => {
  let r: Record<string, Result>;
  beforeAll(() => {
    const text = execFileSync(pythonForTests() as string, ['-c', CASES], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: dirname(BRIDGE_SCRIPT) }, timeout: 60_000 });
    r = JSON.parse(text) as Record<string, Result>;
  });
  const ok = (name: string) => {
    const got = r[name];
    if (!('ok' in got)) throw new Error(`${name}: ${got.error}: ${got.message}`);
    return got.ok;
  };
  const err = (name: string) => {
    const got = r[name];
    if ('ok' in got) throw new Error(`${name}: expected an error, got ${JSON.stringify(got.ok)}`);
    return `${got.error}: ${got.message}`;
  };

  it('converts arguments by annotation, stricter than IvoryOS where IvoryOS passes nonsense on', () => {
    expect([ok('bool_false'), ok('bool_1'), ok('int_text'), ok('int_whole_float'), ok('float_text'), ok('str_num')]).toEqual([false, true, 42, 3, 2, '5']);
    expect(r['float_text']).toMatchObject({ type: 'float' });
    expect(err('bool_maybe')).toBe("ArgumentError: deck.x.m(p): 'maybe' is not a bool");
    expect(err('int_frac')).toMatch(/'5.5' is not an int/);
    expect(err('int_bool')).toMatch(/True is not an int/);
    expect(err('float_hot')).toMatch(/'hot' is not a float/);
  });

  it('turns enum names and values into members, and Optional empties into None', () => {
    expect(r['enum_name']).toEqual({ ok: 'Red', type: 'Color' });
    expect(r['enum_value']).toEqual({ ok: 'Blue', type: 'Color' });
    expect(r['intenum']).toEqual({ ok: 2, type: 'Level' });
    expect(err('enum_bad')).toBe("ArgumentError: deck.x.m(p): 'Green' is not one of ['RED', 'BLUE'] (names) or ['Red', 'Blue'] (values)");
    expect([r['opt_enum_empty'], r['opt_enum_none']]).toEqual([{ ok: null, type: 'NoneType' }, { ok: null, type: 'NoneType' }]);
    expect(r['opt_enum_value']).toEqual({ ok: 'Red', type: 'Color' });
    expect(r['opt_int']).toEqual({ ok: 7, type: 'int' });
    expect(r['union']).toEqual({ ok: 'x', type: 'str' });
  });

  it('checks literals (keeping their own type), lists, tuples, dicts and dates', () => {
    expect(r['lit_text_int']).toEqual({ ok: 3, type: 'int' });
    expect(ok('lit_ok')).toBe('Fast');
    expect(err('lit_bad')).toBe("ArgumentError: deck.x.m(p): 'Turbo' is not one of ['Fast', 'Slow']");
    expect([ok('list_csv'), ok('list_json'), ok('list_ints')]).toEqual([['a', 'b', 'c'], [20, 25.5], [1, 2, 3]]);
    expect(err('list_bad_item')).toMatch(/'x' is not an int/);
    expect(r['tuple']).toEqual({ ok: [4, 'y'], type: 'tuple' });
    expect(err('tuple_len')).toMatch(/expected 2 items, got 1/);
    expect(r['dict_json']).toEqual({ ok: { a: 1 }, type: 'dict' });
    expect(r['date']).toEqual({ ok: '2026-05-14', type: 'date' });
    expect(ok('unannotated')).toEqual({ k: [1] });
    expect(r['class_not_built']).toEqual({ ok: 'COM3', type: 'str' });
  });

  it('sanitises outputs: NaN/Infinity as null (as TypeScript decks), big ints as text, repr with a type tag', () => {
    expect([ok('nan'), ok('inf'), ok('big_int'), ok('enum_out')]).toEqual([null, null, '18446744073709551616', 'Red']);
    expect([ok('tuple_out'), ok('set_out'), ok('datetime_out')]).toEqual([[1, 'a', null], [1, 2, 3], '2026-01-02T03:04:05']);
    expect(ok('bytes_out')).toEqual({ $type: 'bytes', repr: "b'ab'" });
    expect(ok('plain_out')).toEqual({ $type: 'Plain', repr: '<__main__.Plain object>' });
    expect(ok('numpy_like')).toEqual([1.5, null]);
    expect(ok('tuple_key')).toEqual({ '[1, 2]': 'x', '3': 'y' });
    expect(ok('dataclass')).toEqual({ x: 1, y: 2.5 });
    expect(ok('cycle')).toEqual([1, '[Circular]']);
  });

  it("writes IvoryOS's type descriptors byte for byte", () => {
    expect([ok('d_int'), ok('d_opt'), ok('d_list'), ok('d_dict'), ok('d_lit'), ok('d_empty'), ok('d_text')]).toEqual([
      'int', ['int', 'NoneType'], 'list', 'dict', 'Literal:a,b', '', 'Optional[float]',
    ]);
    // A class defined in __main__ is named after the deck file, as IvoryOS does.
    expect([ok('d_enum'), ok('d_opt_enum'), ok('d_any'), ok('d_plain')]).toEqual(['Enum:my_deck.Color', ['Enum:my_deck.Color', 'NoneType'], '', 'Plain']);
    if (r['d_pipe']) expect(ok('d_pipe')).toEqual(['int', 'NoneType']);
  });

  it("gives IvoryOS's return formats: tuples with arity, variable tuples, none, dict, text annotations", () => {
    expect(ok('r_tuple')).toEqual({ kind: 'tuple', types: ['int', 'float', 'str'], annotation: 'typing.Tuple[int, float, str]', variable_length: false, arity: 3 });
    expect(ok('r_var')).toMatchObject({ kind: 'tuple', types: ['int'], variable_length: true, arity: null });
    expect(ok('r_none')).toEqual({ kind: 'none', types: [], annotation: '' });
    expect(ok('r_dict')).toMatchObject({ kind: 'dict', types: ['str', 'int'] });
    expect(ok('r_text')).toEqual({ kind: 'tuple', types: ['int', 'str'], annotation: 'tuple[int, str]', variable_length: false, arity: 2 });
    expect(ok('r_scalar')).toEqual({ kind: 'scalar', types: ['float'], annotation: "<class 'float'>" });
    expect(ok('r_unannotated')).toEqual({ kind: 'scalar', types: [], annotation: '' });
  });

  it('runs the __main__ block only when it calls ivoryos.run()', () => {
    expect([ok('main_yes'), ok('main_from'), ok('main_no_run'), ok('main_outside')]).toEqual([true, true, false, false]);
  });
});
