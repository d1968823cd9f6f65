import request from 'supertest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import type { DeckSchema } from '@ivoryos/contracts';
import { Deck } from '@ivoryos/db';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const schema = JSON.parse(readFileSync(join(__dirname, '..', 'decks', 'fixtures', 'abstract_sdl.schema.json'), 'utf8')) as DeckSchema;

const step = (id: number, instrument: string, action: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ id, uuid: id, instrument, action, args, return: '', ...extra });

describe('workflow validation and rendering endpoints', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    gw = await startTestGateway();
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    const em = gw.app.get(EntityManager).fork();
    em.create(Deck, { name: 'abstract_sdl', schema, schemaHash: schema.hash });
    await em.flush();
  });
  afterAll(() => gw.close());

  const good = {
    name: 'good', deck: 'abstract_sdl',
    script_dict: {
      prep: [], cleanup: [],
      script: [
        step(1, 'deck.sdl', 'analyze', { param_1: '#p1', param_2: 2 }, { return: 'score' }),
        step(2, 'if', 'if', { statement: 'score > 0.5 and not #p1 == 3' }, { uuid: 9 }),
        step(3, 'deck.sdl', 'dose_solvent', { solvent_name: 'Ethanol', amount_in_ml: '#volume' }),
        step(4, 'if', 'endif', {}, { uuid: 9 }),
        step(5, 'deck.sdl', 'measure', {}, { return: ['a', '', 'c'] }),
      ],
    },
  };

  it('reports a valid draft with its run parameters, outputs and run modes', async () => {
    const { body } = await api.post('/api/workflows/validate').send({ workflow: good }).expect(200);
    expect(body).toMatchObject({ valid: true, deck: 'abstract_sdl', errors: [], outputs: ['score', 'a', 'c'], runModes: ['parameters', 'optimizer'] });
    expect(body.parameters).toEqual([
      { name: 'p1', type: 'int', firstUse: { phase: 'script', stepId: 1 } },
      { name: 'volume', type: 'float', firstUse: { phase: 'script', stepId: 3 } },
    ]);
  });

  it('reports every problem at once, each with phase, step id and field', async () => {
    const bad = {
      ...good,
      script_dict: {
        prep: [step(1, 'deck.sdl', 'analyze', { param_1: '#p1', param_2: 1 })],
        cleanup: [],
        script: [
          step(1, 'deck.sdl', 'no_such', {}),
          step(2, 'deck.sdl', 'analyze', { param_1: 1, colour: 'red' }),
          step(3, 'deck.sdl', 'dose_solvent', { solvent_name: 'Water' }),
          step(4, 'if', 'if', { statement: 'constructor.constructor("return 1")()' }, { uuid: 7 }),
          step(5, 'if', 'endif', {}, { uuid: 7 }),
          step(6, 'deck.sdl', 'measure', {}, { return: ['only', 'two'] }),
        ],
      },
    };
    const { body } = await api.post('/api/workflows/validate').send({ workflow: bad, deck: 'abstract_sdl' }).expect(200);
    expect(body.valid).toBe(false);
    const where = body.errors.map((e: { phase: string; stepId: number | null; field: string }) => `${e.phase}#${e.stepId}:${e.field}`);
    expect(where).toEqual(expect.arrayContaining([
      'prep#1:args.param_1', 'script#1:action', 'script#2:args.param_2', 'script#2:args.colour', 'script#3:args.solvent_name', 'script#4:args.statement', 'script#6:return',
    ]));
  });

  it('checks a saved workflow against its own deck, or another one, and renders it as TypeScript', async () => {
    await api.post('/api/workflows').send(good).expect(201);
    expect((await api.post('/api/workflows/good/validate').send({}).expect(200)).body.valid).toBe(true);
    await api.post('/api/workflows/good/validate').send({ deck: 'no_such_deck' }).expect(404);
    const code = (await api.get('/api/workflows/good/code').expect(200)).body;
    expect(code.language).toBe('typescript');
    expect(code.code).toMatch(/p1: number/);
    expect(code.code).toContain('deck.sdl.measure(');
    const draft = (await api.post('/api/workflows/render').send({ workflow: { script_dict: good.script_dict } }).expect(200)).body;
    expect(draft.code).toContain('analyze');
  });

  it('validates without a schema when the deck is unknown to the gateway, and refuses malformed drafts', async () => {
    const res = await api.post('/api/workflows/validate').send({ workflow: { ...good, deck: 'elsewhere' } }).expect(200);
    expect(res.body).toMatchObject({ valid: true, deck: null });
    expect((await api.post('/api/workflows/validate').send({}).expect(400)).body.errors[0].path).toBe('workflow');
    expect((await api.post('/api/workflows/validate').send({ workflow: { script_dict: { prep: [], script: 'x', cleanup: [] } } }).expect(400)).body.errors[0].path).toBe('workflow.script_dict.script');
  });

  it("accepts the whole document an editor holds (IvoryOS's own keys), as import does, and names problems by path", async () => {
    const file = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'ivoryos-example.json'), 'utf8')) as Record<string, unknown>;
    const whole = {
      ...file, author: 'someone', status: 'editing', editing_type: 'prep', description: 'from the editor', registered: false,
      return_values: ['x'], uuid: null, time_created: '2024-08-23 13:08:24', last_modified: '2024-10-21 19:38:26',
      python_script: 'def example():\n    pass\n', a_key_from_a_newer_ivoryos: { nested: [1] },
    };
    // The draft check says what the check of the same document, imported, says.
    const saved = (await api.post('/api/workflows/import?name=whole_doc').send(whole).expect(201)).body;
    const ofSaved = (await api.post('/api/workflows/whole_doc/validate').send({}).expect(200)).body;
    expect(ofSaved.deck).toBe('abstract_sdl');
    expect((await api.post('/api/workflows/validate').send({ workflow: whole }).expect(200)).body).toEqual(ofSaved);
    // The document as read back from the store is also an editor's document.
    expect((await api.post('/api/workflows/validate').send({ workflow: saved }).expect(200)).body).toEqual(ofSaved);
    // script_dict as text (older IvoryOS files) is read too.
    const asText = { ...whole, script_dict: JSON.stringify(file.script_dict) };
    expect((await api.post('/api/workflows/validate').send({ workflow: asText }).expect(200)).body).toEqual(ofSaved);
    const rendered = (await api.post('/api/workflows/render').send({ workflow: { ...whole, name: 'whole_doc' } }).expect(200)).body;
    expect(rendered.code).toBe((await api.get('/api/workflows/whole_doc/code').expect(200)).body.code);

    const wrong = { ...whole, status: 'done', editing_type: 'main', script_dict: { prep: [], cleanup: [], script: [{ id: 'one', instrument: 'deck.sdl' }] } };
    const refused = (await api.post('/api/workflows/validate').send({ workflow: wrong }).expect(400)).body;
    const paths = refused.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['workflow.status', 'workflow.editing_type']));
    expect(paths.some((p: string) => p.startsWith('workflow.script_dict.script[0]'))).toBe(true);
    expect((await api.post('/api/workflows/render').send({ workflow: { ...whole, script_dict: '{' } }).expect(400)).body.errors).toEqual([
      { path: 'workflow.script_dict', message: 'script_dict is text that is not valid JSON' },
    ]);
    expect((await api.post('/api/workflows/validate').send({ workflow: [] }).expect(400)).body.errors[0].path).toBe('workflow');
  });
});
