import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ActionSchema, DeckSchema, PythonDeckSchema } from '@ivoryos/contracts';
import { describeWithPython } from '../testing/python-available';
import { PythonBridge } from './python-bridge';
import { toDeckSchema } from './python-schema';

const DECK = resolve(__dirname, '../../../../examples/decks/python/abstract_sdl_py.py');

interface GoldenParam { name: string; arg_type: string | string[]; form_default?: unknown; choices?: string[] }
interface GoldenAction {
  signature: string | null; docstring: string | null; coroutine: boolean; has_args?: boolean; has_kwargs?: boolean;
  is_property?: boolean; has_setter?: boolean; params: GoldenParam[]; return_format: Record<string, unknown>;
  setter?: { action: string; params: GoldenParam[] };
}
/** Captured from IvoryOS 1.6.11's own introspection of the same deck file (see `_captured` in the file). */
const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures/abstract_sdl_py.ivoryos-1.6.11.json'), 'utf8')) as {
  instruments: Record<string, Record<string, GoldenAction>>;
};

/** What IvoryOS shows of one parameter, read from our contract schema. */
function shown(param: ActionSchema['params'][number]): GoldenParam {
  const out: GoldenParam = { name: param.name, arg_type: param.type };
  if (param.default !== undefined) {
    // IvoryOS's forms prefill an Enum default with the member's name.
    const enumChoice = Array.isArray(param.type) || param.type.startsWith('Enum:') ? param.choices?.find((c) => c.value === param.default) : undefined;
    out.form_default = enumChoice ? enumChoice.name : param.default;
  }
  if (param.choices) out.choices = param.choices.map((c) => c.name);
  return out;
}

describeWithPython('Python deck schema against IvoryOS 1.6.11 (golden)', () => {
  let python: PythonDeckSchema;
  let schema: DeckSchema;
  let bridge: PythonBridge;

  beforeAll(async () => {
    bridge = new PythonBridge({ python: 'python3', deckFile: DECK, entry: 'auto', deckArgs: [], env: process.env, onOutput: () => undefined });
    python = (await bridge.start()).schema;
    schema = toDeckSchema(python, 'abstract_sdl_py');
  }, 60_000);

  afterAll(async () => {
    await bridge.stop(1);
  });

  it('finds the same instruments, in the same order, created in the __main__ block before ivoryos.run()', () => {
    expect(python.deck.entry).toBe('main');
    expect(Object.keys(python.instruments)).toEqual(Object.keys(golden.instruments));
    expect(Object.keys(schema.instruments)).toEqual(Object.keys(golden.instruments));
  });

  it("has IvoryOS's introspection fields for every method and property: signature, docstring, coroutine, args, setters", () => {
    for (const [instrument, actions] of Object.entries(golden.instruments)) {
      const ours = python.instruments[instrument];
      const names = [...Object.keys(ours.methods), ...Object.keys(ours.properties)];
      expect([instrument, names]).toEqual([instrument, Object.keys(actions)]);
      for (const [name, want] of Object.entries(actions)) {
        const got = want.is_property ? ours.properties[name] : ours.methods[name];
        const fields = want.is_property
          ? { signature: got.signature, docstring: got.docstring, coroutine: got.coroutine, is_property: true, has_setter: 'has_setter' in got && got.has_setter }
          : { signature: got.signature, docstring: got.docstring, coroutine: got.coroutine, has_args: 'has_args' in got && got.has_args, has_kwargs: 'has_kwargs' in got && got.has_kwargs };
        const { params: _p, return_format: _r, setter: _s, ...expected } = want;
        expect([`${instrument}.${name}`, fields]).toEqual([`${instrument}.${name}`, expected]);
      }
    }
  });

  it('maps onto the contract schema with the same parameter names, order, types, defaults, choices, docstrings and returns', () => {
    for (const [instrument, actions] of Object.entries(golden.instruments)) {
      const ours = schema.instruments[instrument].actions;
      for (const [name, want] of Object.entries(actions)) {
        const action = ours[name];
        const label = `${instrument}.${name}`;
        expect([label, action.params.map(shown)]).toEqual([label, want.params]);
        expect([label, action.returns]).toEqual([label, want.return_format]);
        expect([label, action.doc ?? null]).toEqual([label, want.docstring]);
        expect([label, action.async]).toEqual([label, want.coroutine]);
        if (want.setter) {
          const setter = ours[want.setter.action];
          expect([want.setter.action, setter.kind, setter.params.map(shown)]).toEqual([want.setter.action, 'setter', want.setter.params]);
        } else {
          expect(ours[`${name}_(setter)`]).toBeUndefined();
        }
      }
    }
  });

  it('keeps the hash free of display text: signatures and the absolute path do not enter it', () => {
    const moved = { ...python, deck: { ...python.deck, file: '/elsewhere/abstract_sdl_py.py' } };
    for (const inst of Object.values(moved.instruments)) for (const m of Object.values(inst.methods)) m.signature = '(changed)';
    expect(toDeckSchema(moved, 'abstract_sdl_py').hash).toBe(schema.hash);
    expect(toDeckSchema(python, 'other_name').hash).not.toBe(schema.hash);
  });
});
