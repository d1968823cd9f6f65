import request from 'supertest';
import { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowPhase, WorkflowRun, WorkflowStep } from '@ivoryos/db';
import type { JsonObject, PhaseName, RunStatus, StepStatus } from '@ivoryos/contracts';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/** Run records are produced by deck agents in a later issue; here they are written directly. */
async function seedRun(gw: TestGateway, opts: { name: string; deck?: string; status?: RunStatus; startedBy?: string; createdAt?: Date; steps?: number; rows?: JsonObject[] }) {
  const em = gw.app.get(EntityManager).fork();
  const rows = opts.rows ?? [{ amount: 5, solvent: 'Methanol' }, { amount: 10, solvent: 'Ethanol' }];
  const run = em.create(WorkflowRun, {
    name: opts.name, deck: opts.deck ?? 'abstract_sdl', workflowName: opts.name, status: opts.status ?? 'completed',
    mode: 'parameters', parameters: rows, startedBy: opts.startedBy ?? 'admin', startedByKind: 'user',
    workflowSnapshot: { name: opts.name, deck: 'abstract_sdl', status: 'finalized', author: 'admin', script_dict: { prep: [], script: [], cleanup: [] }, id_order: { prep: [], script: [], cleanup: [] } },
    createdAt: opts.createdAt ?? new Date(), startedAt: new Date('2026-01-01T10:00:00Z'), endedAt: new Date('2026-01-01T10:05:00Z'),
  });
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s));
  const addPhase = (name: PhaseName, repeatIndex: number, parameters: JsonObject[] | null, outputs: JsonObject[]) =>
    em.create(WorkflowPhase, { run, name, repeatIndex, parameters, outputs, startedAt: t(repeatIndex), endedAt: t(repeatIndex + 1) });
  const addStep = (phase: WorkflowPhase, stepIndex: number, methodName: string, status: StepStatus, extra: Partial<WorkflowStep> = {}) =>
    em.create(WorkflowStep, { phase, runId: run.id, stepIndex, sample: 0, instrument: 'deck.sdl', methodName, args: {}, status, startedAt: t(stepIndex), endedAt: t(stepIndex + 1), ...extra });

  const prep = addPhase('prep', 1, null, [{}]);
  addStep(prep, 1, 'equilibrate', 'completed', { args: { temp: 25, duration: 1 } });
  rows.forEach((row, i) => {
    const mass = Number(row.amount) * 0.1;
    const main = addPhase('main', i + 1, [row], [{ ...row, mass }]);
    addStep(main, 1, 'dose_solid', 'completed', { args: { amount_in_mg: row.amount }, output: mass, context: { ...row, mass } });
    addStep(main, 2, 'simulate_error', 'failed', { error: 'error will clear after the 3rd retry', attempt: 1 });
    addStep(main, 2, 'simulate_error', 'completed', { attempt: 2, output: null, context: { ...row, mass } });
  });
  const cleanup = addPhase('cleanup', 1, null, [{}]);
  for (let i = 0; i < (opts.steps ?? 1); i++) addStep(cleanup, i + 1, 'noop', 'completed', { instrument: 'deck.bench', output: 1 });
  await em.flush();
  return run.id;
}

describe('run records API', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof request.agent>;
  let runId: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    api = request.agent(gw.url).auth(gw.adminToken, { type: 'bearer' });
    runId = await seedRun(gw, { name: 'dose series', createdAt: new Date('2026-02-01T00:00:00Z') });
    await seedRun(gw, { name: 'other deck run', deck: 'lab_b', status: 'failed', startedBy: 'robot-key', createdAt: new Date('2026-03-01T00:00:00Z') });
    await seedRun(gw, { name: 'queued one', status: 'queued', createdAt: new Date('2026-04-01T00:00:00Z') });
  });
  afterAll(() => gw.close());

  it('returns a run with phases in execution order and one step row per attempt', async () => {
    const { body } = await api.get(`/api/runs/${runId}`).expect(200);
    expect(body).toMatchObject({ id: runId, name: 'dose series', deck: 'abstract_sdl', status: 'completed', startedAt: '2026-01-01T10:00:00.000Z', endedAt: '2026-01-01T10:05:00.000Z' });
    expect(body.phases.map((p: { name: string; repeatIndex: number }) => `${p.name}#${p.repeatIndex}`)).toEqual(['prep#1', 'main#1', 'main#2', 'cleanup#1']);
    const main1 = body.phases[1];
    expect(main1.parameters).toEqual([{ amount: 5, solvent: 'Methanol' }]);
    expect(main1.outputs).toEqual([{ amount: 5, solvent: 'Methanol', mass: 0.5 }]);
    expect(main1.steps.map((s: { stepIndex: number; methodName: string; attempt: number; status: string }) => [s.stepIndex, s.methodName, s.attempt, s.status])).toEqual([
      [1, 'dose_solid', 1, 'completed'], [2, 'simulate_error', 1, 'failed'], [2, 'simulate_error', 2, 'completed'],
    ]);
    expect(main1.steps[0]).toMatchObject({ output: 0.5, context: { amount: 5, solvent: 'Methanol', mass: 0.5 }, args: { amount_in_mg: 5 }, sample: 0, phase: 'main', repeatIndex: 1 });
    expect(main1.steps[1].error).toBe('error will clear after the 3rd retry');
  });

  it('filters the list by deck, status, name, workflow, time and who started it', async () => {
    const names = async (q: string) => (await api.get(`/api/runs?${q}`).expect(200)).body.items.map((r: { name: string }) => r.name);
    expect(await names('')).toEqual(['queued one', 'other deck run', 'dose series']);
    expect(await names('deck=lab_b')).toEqual(['other deck run']);
    expect(await names('status=completed,queued')).toEqual(['queued one', 'dose series']);
    expect(await names('name=DOSE')).toEqual(['dose series']);
    expect(await names('workflow=queued one')).toEqual(['queued one']);
    expect(await names('startedBy=robot-key')).toEqual(['other deck run']);
    expect(await names('from=2026-02-15T00:00:00Z&to=2026-03-15T00:00:00Z')).toEqual(['other deck run']);
    const page = await api.get('/api/runs?perPage=1&page=2').expect(200);
    expect(page.body).toMatchObject({ total: 3, items: [{ name: 'other deck run' }] });
  });

  it('pages through steps with a cursor, by phase and iteration', async () => {
    const id = await seedRun(gw, { name: 'long cleanup', steps: 25 });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { stepIndex: number }[]; nextCursor: string | null } } = await api
        .get(`/api/runs/${id}/steps?phase=cleanup&limit=10${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      const { body } = page;
      seen.push(...body.items.map((s: { stepIndex: number }) => s.stepIndex));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const it2 = await api.get(`/api/runs/${id}/steps?phase=main&iteration=2`).expect(200);
    expect(it2.body.items.map((s: { methodName: string }) => s.methodName)).toEqual(['dose_solid', 'simulate_error', 'simulate_error']);
    expect(it2.body.nextCursor).toBeNull();
    await api.get(`/api/runs/${id}/steps?cursor=abc`).expect(400);
    await api.get(`/api/runs/${id}/steps?phase=script`).expect(400);
  });

  it('gives results as a table and as CSV, one row per sample', async () => {
    const { body } = await api.get(`/api/runs/${runId}/results`).expect(200);
    expect(body).toEqual({
      columns: ['sample', 'iteration', 'amount', 'solvent', 'mass'],
      rows: [
        { sample: 1, iteration: 1, amount: 5, solvent: 'Methanol', mass: 0.5 },
        { sample: 2, iteration: 2, amount: 10, solvent: 'Ethanol', mass: 1 },
      ],
    });
    const csv = await api.get(`/api/runs/${runId}/results.csv`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toBe('sample,iteration,amount,solvent,mass\r\n1,1,5,Methanol,0.5\r\n2,2,10,Ethanol,1\r\n');
    const steps = await api.get(`/api/runs/${runId}/steps.csv`).expect(200);
    const lines = steps.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,phase,repeatIndex,stepIndex,sample,instrument,methodName,attempt,status,startedAt,endedAt,error,args,output,context');
    expect(lines).toHaveLength(1 + 1 + 3 * 2 + 1);
  });

  it('deletes finished runs only, and answers 404 and 400 properly', async () => {
    const queued = (await api.get('/api/runs?status=queued').expect(200)).body.items[0].id;
    const byNumber = (await api.get(`/api/runs/${runId}`).expect(200)).body.number;
    expect((await api.get(`/api/runs/${byNumber}`).expect(200)).body.id).toBe(runId);
    expect((await api.delete(`/api/runs/${queued}`).expect(409)).body.message).toContain('queued');
    await api.delete(`/api/runs/${runId}`).expect(204);
    await api.get(`/api/runs/${runId}`).expect(404);
    await api.get(`/api/runs/${runId}/results`).expect(404);
    await api.get(`/api/runs/${byNumber}`).expect(404);
    expect((await api.get('/api/runs/not-a-uuid').expect(400)).body.errors).toEqual([{ path: 'id', message: 'must be a run UUID or a run number' }]);
    expect((await api.get('/api/runs?status=exploded').expect(400)).body.errors[0].path).toBe('status');
    expect((await api.get('/api/runs?from=yesterday').expect(400)).body.errors[0].path).toBe('from');
  });
});
