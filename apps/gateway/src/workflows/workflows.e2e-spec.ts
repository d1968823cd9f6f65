import request from 'supertest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowRun, type Workflow } from '@ivoryos/db';
import type { WorkflowDocument } from '@ivoryos/contracts';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const fixture = (name: string): WorkflowDocument => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));

describe('workflows API', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    gw = await startTestGateway();
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
  });
  afterAll(() => gw.close());

  describe('IvoryOS files', () => {
    it('imports the IvoryOS example (an older file) as the JSON body and keeps every key', async () => {
      const file = fixture('ivoryos-example.json');
      const res = await api.post('/api/workflows/import').send(file).expect(201);
      expect(res.body).toMatchObject({
        name: 'example', deck: 'abstract_sdl', status: 'editing', author: 'admin', time_created: '2024-08-23 13:08:24',
        id_order: file.id_order, script_dict: file.script_dict, description: '', registered: false, return_values: ['mass'],
      });
      expect(typeof res.body.uuid).toBe('string');
      const listed = await api.get('/api/workflows?keyword=exam').expect(200);
      expect(listed.body.items.map((w: { name: string }) => w.name)).toEqual(['example']);
    });

    it('round-trips flow control, #params and tuple returns unchanged through export and re-import', async () => {
      const file = fixture('ivoryos-flow-control.json');
      await api.post('/api/workflows/import').send(file).expect(201);
      const exported = await api.get('/api/workflows/cf_demo/export').expect(200);
      expect(exported.headers['content-disposition']).toBe('attachment; filename="cf_demo.json"');
      expect(exported.body.script_dict).toEqual(file.script_dict);
      expect(exported.body.id_order).toEqual(file.id_order);
      expect(exported.body.python_script).toBeNull();
      expect(exported.body.uuid).toBe(file.uuid);

      // the exported file imports again (multipart, as a browser uploads it) with the same meaning
      const again = await api
        .post('/api/workflows/import?name=cf_demo_copy')
        .attach('file', Buffer.from(JSON.stringify(exported.body)), { filename: 'cf_demo.json', contentType: 'application/json' })
        .expect(201);
      expect(again.body.script_dict).toEqual(file.script_dict);
      expect(again.body.id_order).toEqual(file.id_order);
      expect(again.body.return_values).toEqual(exported.body.return_values);
      // the uuid belonged to cf_demo already, so the copy gets a new one
      expect(again.body.uuid).not.toBe(file.uuid);
      const markers = again.body.script_dict.script.filter((a: { instrument: string }) => a.instrument === 'if');
      expect(markers.map((a: { action: string }) => a.action)).toEqual(['if', 'else', 'endif']);
      expect(new Set(markers.map((a: { uuid: number }) => a.uuid)).size).toBe(1);
    });

    it('refuses to import over an existing workflow unless asked, and never over a finalized one', async () => {
      const file = { ...fixture('ivoryos-example.json'), name: 'twice' };
      await api.post('/api/workflows/import').send(file).expect(201);
      const dup = await api.post('/api/workflows/import').send(file).expect(409);
      expect(dup.body.errors).toEqual([{ path: 'name', message: 'already exists' }]);
      await api.post('/api/workflows/import?overwrite=true').send({ ...file, description: 'v2' }).expect(201);
      expect((await api.get('/api/workflows/twice').expect(200)).body.description).toBe('v2');
      await api.post('/api/workflows/twice/finalize').expect(200);
      await api.post('/api/workflows/import?overwrite=true').send(file).expect(409);
    });

    it('names the field that makes a file unusable', async () => {
      const bad = fixture('ivoryos-example.json');
      (bad.script_dict.script[1] as unknown as Record<string, unknown>).instrument = 42;
      const res = await api.post('/api/workflows/import?name=broken').send(bad).expect(400);
      expect(res.body.errors).toContainEqual({ path: 'script_dict.script[1].instrument', message: 'script_dict.script[1].instrument must be a string' });
      await api.post('/api/workflows/import').attach('file', Buffer.from('{not json'), 'x.json').expect(400);
      await api.get('/api/workflows/broken').expect(404);
    });
  });

  describe('editing', () => {
    const draft = {
      name: 'draft one',
      deck: 'abstract_sdl',
      script_dict: {
        prep: [],
        script: [
          { id: 1, uuid: 11, instrument: 'deck.sdl', action: 'no_such_method', args: { x: '#x' }, return: 'y' },
          { id: 2, uuid: 12, instrument: 'deck.sdl', action: 'analyze', args: {} },
        ],
        cleanup: [],
      },
      id_order: { prep: [], script: ['1', '7'], cleanup: [] },
    };

    it('saves drafts without checking them against a deck and repairs a stale id_order', async () => {
      const res = await api.post('/api/workflows').send(draft).expect(201);
      expect(res.body.id_order.script).toEqual(['1', '2']);
      expect(res.body.return_values).toEqual(['y']);
      expect(res.body.author).toBe('admin');
    });

    it('replaces, saves as, finalizes, registers and deletes', async () => {
      await api.put('/api/workflows/draft one').send({ ...draft, description: 'second take' }).expect(200);
      const copy = await api.post('/api/workflows/draft one/save-as').send({ name: 'draft two' }).expect(201);
      expect(copy.body).toMatchObject({ name: 'draft two', status: 'editing', description: 'second take' });
      await api.post('/api/workflows/draft one/save-as').send({ name: 'draft two' }).expect(409);

      const fin = await api.post('/api/workflows/draft two/finalize').expect(200);
      expect(fin.body.status).toBe('finalized');
      const put = await api.put('/api/workflows/draft two').send({ ...draft, name: 'draft two' }).expect(409);
      expect(put.body.message).toContain('finalized');

      const reg = await api.post('/api/workflows/draft two/register').send({ registered: true }).expect(200);
      expect(reg.body.registered).toBe(true);

      await api.delete('/api/workflows/draft two').expect(204);
      await api.get('/api/workflows/draft two').expect(404);
    });

    it('keeps the runs of a deleted workflow, each with its own snapshot', async () => {
      await api.post('/api/workflows').send({ ...draft, name: 'short lived' }).expect(201);
      const em = gw.app.get(EntityManager).fork();
      const wf = await em.findOneOrFail<Workflow>('Workflow', { name: 'short lived' });
      const run = em.create(WorkflowRun, {
        name: 'short lived', deck: 'abstract_sdl', workflowName: wf.name,
        workflowSnapshot: (await api.get('/api/workflows/short lived')).body, status: 'completed',
      });
      await em.flush();
      await api.delete('/api/workflows/short lived').expect(204);
      const got = await api.get(`/api/runs/${run.id}`).expect(200);
      expect(got.body).toMatchObject({ id: run.id, workflow: 'short lived', status: 'completed' });
    });

    it('lists with filters, sorting and pages', async () => {
      for (const n of ['sort-b', 'sort-a', 'sort-c']) await api.post('/api/workflows').send({ name: n, deck: 'sorting' }).expect(201);
      const asc = await api.get('/api/workflows?deck=sorting&sort=name&perPage=2').expect(200);
      expect(asc.body.total).toBe(3);
      expect(asc.body.items.map((w: { name: string }) => w.name)).toEqual(['sort-a', 'sort-b']);
      const page2 = await api.get('/api/workflows?deck=sorting&sort=-name&perPage=2&page=2').expect(200);
      expect(page2.body.items.map((w: { name: string }) => w.name)).toEqual(['sort-a']);
      await api.get('/api/workflows?sort=password').expect(400);
    });
  });

  describe('bad input never gives a 5xx', () => {
    const writes: [string, string][] = [
      ['post', '/api/workflows'],
      ['put', '/api/workflows/example'],
      ['post', '/api/workflows/import'],
      ['post', '/api/workflows/example/save-as'],
      ['post', '/api/workflows/example/register'],
    ];

    it.each(writes)('%s %s: malformed JSON is a 400 on body', async (method, path) => {
      const res = await api[method as 'post'](path).set('content-type', 'application/json').send('{"name": ').expect(400);
      expect(res.body.errors[0].path).toBe('body');
    });

    it.each(writes)('%s %s: an oversized body is a 413', async (method, path) => {
      const big = JSON.stringify({ name: 'x', description: 'y'.repeat(6 * 1024 * 1024) });
      const res = await api[method as 'post'](path).set('content-type', 'application/json').send(big);
      expect(res.status).toBe(413);
      expect(res.body.errors[0].path).toBe('body');
    });

    const cases: [string, unknown, string][] = [
      ['a number for the name', { name: 5 }, 'name'],
      ['an over-long name', { name: 'n'.repeat(51) }, 'name'],
      ['a slash in the name', { name: 'a/b' }, 'name'],
      ['an unknown field', { name: 'ok', colour: 'red' }, 'colour'],
      ['an unknown action field', { name: 'ok', script_dict: { prep: [], cleanup: [], script: [{ id: 1, uuid: 1, instrument: 'i', action: 'a', args: {}, evil: 1 }] } }, 'script_dict.script[0].evil'],
      ['a wrong nested type', { name: 'ok', script_dict: { prep: [], cleanup: [], script: [{ id: 'one', uuid: 1, instrument: 'i', action: 'a' }] } }, 'script_dict.script[0].id'],
      ['a list instead of an object', [1, 2], ''],
      ['a string body', '"hello"', ''],
      ['null script_dict phases', { name: 'ok', script_dict: { prep: null, script: [], cleanup: [] } }, 'script_dict.prep'],
    ];

    it.each(cases)('POST /api/workflows with %s is a 400 naming the field', async (_label, body, path) => {
      const res = await api.post('/api/workflows').set('content-type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status).toBe(400);
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(res.body.message).toEqual(expect.any(String));
    });

    it('refuses unknown fields on save-as and register, and bad query values', async () => {
      await api.post('/api/workflows').send({ name: 'target' }).expect(201);
      expect((await api.post('/api/workflows/target/save-as').send({ name: 'x', extra: 1 }).expect(400)).body.errors[0].path).toBe('extra');
      expect((await api.post('/api/workflows/target/register').send({ registered: 'yes' }).expect(400)).body.errors[0].path).toBe('registered');
      expect((await api.get('/api/workflows?perPage=0').expect(400)).body.errors[0].path).toBe('perPage');
      expect((await api.get(`/api/workflows/${'n'.repeat(60)}`).expect(400)).body.errors[0].path).toBe('name');
      const count = (await api.get('/api/workflows?keyword=target').expect(200)).body.total;
      expect(count).toBe(1);
    });
  });
});
