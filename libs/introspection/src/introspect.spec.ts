import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DeckSchema } from '@ivoryos/contracts';
import { hashDeckSchema, introspectDeck } from './index';

const FIXTURES = join(__dirname, 'fixtures');
const TRICKY_DIR = join(FIXTURES, 'tricky-deck');
const TRICKY = join(TRICKY_DIR, 'deck.ts');
const GOLDEN = join(FIXTURES, 'tricky-deck.golden.json');
const TSCONFIG = join(__dirname, '..', '..', '..', 'tsconfig.json');
// Run with UPDATE_GOLDEN=1 to rewrite the golden file after an intended change; review the diff.
const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

// jest loads .ts through its swc transform; the agent uses tsx. Either way these are real instances.
const trickyExports = jest.requireActual<object>(TRICKY);

function introspect(file: string, exports: object, log?: (message: string) => void): DeckSchema {
  return introspectDeck({ deckName: 'tricky', file, exports, tsconfig: TSCONFIG, log });
}

/** The schema as committed: the source path relative to the fixtures, so the file is portable. */
function portable(schema: DeckSchema): DeckSchema {
  const source = schema.source && { ...schema.source, file: relative(FIXTURES, schema.source.file) };
  return JSON.parse(JSON.stringify({ ...schema, source })) as DeckSchema;
}

describe('introspectDeck on the tricky deck', () => {
  const messages: string[] = [];
  let schema: DeckSchema;
  beforeAll(() => {
    schema = introspect(TRICKY, trickyExports, (message) => messages.push(message));
  });
  const action = (instrument: string, name: string) => schema.instruments[`deck.${instrument}`].actions[name];

  it('matches the golden schema exactly', () => {
    if (UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(portable(schema), null, 2)}\n`);
    expect(portable(schema)).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('makes instruments of object instances only', () => {
    // _spare (underscore), Defaults (uppercase), settings (plain object), retries, helper: not instruments
    expect(Object.keys(schema.instruments).sort()).toEqual(['deck.relay', 'deck.stage', 'deck.thermo']);
    expect(schema.instruments['deck.stage'].className).toBe('Stage');
  });

  it('lists public methods and accessors, inherited ones from another file included', () => {
    expect(Object.keys(schema.instruments['deck.stage'].actions).sort()).toEqual([
      'count', 'home', 'legacy_reset', 'limits', 'log_all', 'move_to', 'moves_done', 'pipette', 'position',
      'position_(setter)', 'purge', 'select_port', 'serial', 'settle',
    ]);
    // declared (interface merge) but absent at runtime; private, protected, static, #private, _-prefixed
    for (const name of ['ghost', 'hidden', 'calibrate', 'discover', '#secret', '_internal']) expect(action('stage', name)).toBeUndefined();
  });

  it('reads int through Promise<int> and int | undefined', () => {
    expect(action('stage', 'move_to').params[0]).toEqual({ name: 'x', type: 'int', required: true, doc: 'target in steps' });
    expect(action('stage', 'move_to').returns).toEqual({ kind: 'scalar', types: ['int'], annotation: 'int' });
    expect(action('stage', 'move_to').async).toBe(true);
    expect(action('stage', 'count').params.map((p) => [p.name, p.type, p.required])).toEqual([
      ['limit', ['int', 'NoneType'], false],
      ['step', ['int', 'NoneType'], false],
    ]);
    expect(action('stage', 'moves_done').returns.types).toEqual(['int']);
  });

  it('keeps literal unions in source order, not the checker order', () => {
    const speed = action('stage', 'move_to').params[2];
    expect(speed.type).toBe('Literal:slow,medium,fast');
    expect(speed.choices).toEqual([
      { name: 'slow', value: 'slow' },
      { name: 'medium', value: 'medium' },
      { name: 'fast', value: 'fast' },
    ]);
    expect(action('stage', 'pipette').params[0].type).toBe('Literal:250,50,10');
  });

  it('describes imported enums with choices and their default as the value', () => {
    const [gas, port] = action('stage', 'purge').params;
    expect(gas).toEqual({
      name: 'gas',
      type: 'Enum:tricky.Gas',
      required: false,
      default: 'Ar',
      choices: [
        { name: 'Nitrogen', value: 'N2' },
        { name: 'Argon', value: 'Ar' },
        { name: 'Helium', value: 'He' },
      ],
    });
    expect(port.type).toEqual(['Enum:tricky.Port', 'NoneType']);
    expect(port.required).toBe(false);
    expect(action('stage', 'select_port').params[0].default).toBe(3);
  });

  it('folds constant defaults and leaves out the ones it cannot know without running code', () => {
    expect(action('stage', 'settle').params).toEqual([
      { name: 'timeout_s', type: 'float', required: false, default: 7200 },
      { name: 'label', type: 'str', required: false, default: 'stage A' },
      { name: 'offset', type: 'float', required: false, default: -250 },
      { name: 'started', type: 'str', required: false },
    ]);
    expect(action('stage', 'pipette').params.map((p) => p.default)).toEqual([50, ['A1', 'A2'], { owner: 'lab' }]);
    expect(action('stage', 'select_port').params[1]).toEqual({ name: 'confirm', type: ['bool', 'NoneType'], required: false, default: null });
  });

  it('turns an inherited getter/setter into a getter action and a `_(setter)` action', () => {
    expect(action('stage', 'position')).toEqual({
      name: 'position',
      kind: 'getter',
      params: [],
      async: false,
      returns: { kind: 'scalar', types: ['float'], annotation: 'number' },
      doc: 'Stage position in mm.',
    });
    expect(action('stage', 'position_(setter)').params).toEqual([{ name: 'value', type: 'float', required: true }]);
    expect(action('stage', 'serial_(setter)')).toBeUndefined();
  });

  it('gives tuple returns one slot per item, also inside a Promise', () => {
    expect(action('stage', 'purge').returns).toEqual({
      kind: 'tuple',
      types: ['float', 'str'],
      annotation: '[number, string]',
      variable_length: false,
      arity: 2,
    });
    expect(action('stage', 'limits').returns.arity).toBe(3);
    expect(action('stage', 'pipette').returns.kind).toBe('dict');
  });

  it('types a .js class from its JSDoc', () => {
    const read = action('thermo', 'read');
    expect(read.params.map((p) => [p.name, p.type, p.required, p.default])).toEqual([
      ['unit', 'Literal:celsius,kelvin,fahrenheit', false, 'kelvin'],
      ['samples', 'float', false, 3],
    ]);
    expect(read.returns).toMatchObject({ kind: 'tuple', types: ['float', 'str'], arity: 2 });
    expect(action('thermo', 'history').params[0].type).toBe('int');
    expect(action('thermo', 'calibrate').params.map((p) => p.type)).toEqual(['float', 'bool']);
    expect(action('thermo', 'reset')).toBeUndefined(); // JSDoc @private
  });

  it('leaves out callbacks, binary data and destructured parameters, with reasons', () => {
    expect(schema.skipped).toEqual([
      { instrument: 'deck.stage', action: 'on_done', reason: 'parameter "callback": a callback ((result: number) => void) cannot be given from a workflow' },
      { instrument: 'deck.stage', action: 'upload', reason: 'parameter "data": binary or stream data (Buffer) cannot be given from a workflow' },
      { instrument: 'deck.stage', action: 'configure', reason: 'parameter 1 is destructured; name it (e.g. `options: Options`) to expose this method' },
      { instrument: 'deck.thermo', action: 'subscribe', reason: 'parameter "listener": a callback ((value: number) => void) cannot be given from a workflow' },
    ]);
    expect([...messages].sort()).toEqual([
      'deck.relay: no typed declaration in the source; every member is typed from runtime (any)',
      'deck.stage.configure left out: parameter 1 is destructured; name it (e.g. `options: Options`) to expose this method',
      'deck.stage.legacy_reset: not found in the source; parameters typed any from the runtime function',
      'deck.stage.on_done left out: parameter "callback": a callback ((result: number) => void) cannot be given from a workflow',
      'deck.stage.upload left out: parameter "data": binary or stream data (Buffer) cannot be given from a workflow',
      'deck.thermo.subscribe left out: parameter "listener": a callback ((value: number) => void) cannot be given from a workflow',
    ]);
  });

  it('types members found only at runtime from the function text', () => {
    expect(action('stage', 'legacy_reset').params).toEqual([
      { name: 'force', type: 'any', required: true },
      { name: 'level', type: 'any', required: false, default: 2 },
    ]);
    expect(action('relay', 'toggle')).toEqual({
      name: 'toggle',
      kind: 'method',
      params: [{ name: 'channel', type: 'any', required: false, default: 1 }],
      async: false,
      returns: { kind: 'scalar', types: [], annotation: '' },
    });
  });

  it('hashes the schema without source, skipped or hash', () => {
    expect(schema.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashDeckSchema(schema)).toBe(schema.hash);
    expect(hashDeckSchema({ ...schema, source: { file: '/elsewhere/deck.ts', language: 'ts' }, skipped: [] })).toBe(schema.hash);
  });
});

describe('introspectDeck on a plain JavaScript deck', () => {
  it('reads the .js deck through JSDoc, like the same class imported into TypeScript', () => {
    const file = join(FIXTURES, 'js-deck', 'deck.js');
    const schema = introspect(file, jest.requireActual<object>(file));
    const tricky = introspect(TRICKY, trickyExports);
    expect(schema.source?.language).toBe('js');
    expect(Object.keys(schema.instruments)).toEqual(['deck.probe']); // `units` is an array
    expect(schema.instruments['deck.probe'].actions).toEqual(tricky.instruments['deck.thermo'].actions);
  });
});

describe('schema hash', () => {
  let copy: string;
  const original = () => introspect(TRICKY, trickyExports);
  const edited = (edit: (text: string) => string) => {
    const file = join(copy, 'deck.ts');
    const text = readFileSync(join(TRICKY_DIR, 'deck.ts'), 'utf8');
    const changed = edit(text);
    expect(changed).not.toBe(text);
    writeFileSync(file, changed);
    return introspect(file, trickyExports);
  };

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'ivoryos-introspection-'));
    cpSync(TRICKY_DIR, copy, { recursive: true });
  });
  afterAll(() => {
    if (existsSync(copy)) rmSync(copy, { recursive: true, force: true });
  });

  it('does not depend on where the deck lives', () => {
    const moved = edited((text) => `${text}\n`);
    expect(moved.source?.file).not.toBe(original().source?.file);
    expect(moved.hash).toBe(original().hash);
  });

  it('does not change when only docs change', () => {
    const base = original();
    const reworded = edited((text) =>
      text.replace('Two-axis stage with a gas purge.', 'A stage.').replace('@param x target in steps', '@param x where to go').replace('Purge a port with gas.', 'Purge.'),
    );
    expect(reworded.instruments['deck.stage'].doc).toBe('A stage.');
    expect(reworded.instruments['deck.stage'].actions['move_to'].params[0].doc).toBe('where to go');
    expect(reworded.hash).toBe(base.hash);
  });

  it('changes when a parameter type changes', () => {
    const base = original();
    const retyped = edited((text) => text.replace('async move_to(x: int,', 'async move_to(x: number,'));
    expect(retyped.instruments['deck.stage'].actions['move_to'].params[0].type).toBe('float');
    expect(retyped.hash).not.toBe(base.hash);
  });
});
