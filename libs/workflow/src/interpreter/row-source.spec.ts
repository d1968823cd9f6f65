import type { EventEnvelope, JsonValue, ParameterRow } from '@ivoryos/contracts';
import { readCheckpoint, serializeCheckpoint } from '../checkpoint';
import { act, doc, eventsOf, runHarness } from '../testing/run-harness';
import type { IterationResult, RowSource } from './types';

// the script measures f(#x) and saves it as y; prep and cleanup run once
const WORKFLOW = doc(
  [act('deck.bench', 'measure', { x: '#x' }, { arg_types: { x: 'float' }, return: 'y' })],
  [act('deck.bench', 'warm_up')],
  [act('deck.bench', 'park')],
);
const measure = { measure: (call: { args: Record<string, JsonValue> }) => 10 - (call.args.x as number) };

/** A deterministic source: x = 1, then the last y, for at most `limit` rows; records what it was given. */
function source(limit: number, batch = 1): RowSource & { seen: IterationResult[][] } {
  const seen: IterationResult[][] = [];
  return {
    fingerprint: `test-${limit}-${batch}`,
    maxIterations: Math.ceil(limit / batch),
    seen,
    async next(results) {
      seen.push(results.map((r) => ({ ...r })));
      if (results.length >= limit) return null;
      const last = results.at(-1)?.outputs.y;
      const rows = Array.from({ length: batch }, (_, i): ParameterRow => ({ x: (typeof last === 'number' ? last : 1) + i }));
      return { rows, meta: rows.map((_, i) => ({ by: 'test', slot: i })) };
    },
  };
}

describe('row-source runs (optimizer campaigns)', () => {
  it('asks the source before each iteration with every result so far; prep and cleanup run once', async () => {
    const rows = source(3);
    const run = await runHarness(WORKFLOW, { plan: { source: rows }, handlers: measure });
    expect(run.outcome.status).toBe('completed');
    expect(run.calls.map((c) => `${c.action}(${c.args.x ?? ''})`)).toEqual(['warm_up()', 'measure(1)', 'measure(9)', 'measure(1)', 'park()']);
    // not asked again once maxIterations iterations ran
    expect(rows.seen.map((s) => s.length)).toEqual([0, 1, 2]);
    expect(run.interpreter.checkpoint().state.results).toEqual([
      { iteration: 1, parameters: { x: 1 }, outputs: { x: 1, y: 9 }, meta: { by: 'test', slot: 0 } },
      { iteration: 2, parameters: { x: 9 }, outputs: { x: 9, y: 1 }, meta: { by: 'test', slot: 0 } },
      { iteration: 3, parameters: { x: 1 }, outputs: { x: 1, y: 9 }, meta: { by: 'test', slot: 0 } },
    ]);
    expect(eventsOf(run.events, 'phase.started').filter((e) => e.phase === 'main').map((e) => e.parameters)).toEqual([[{ x: 1 }], [{ x: 9 }], [{ x: 1 }]]);
    // the source's notes travel with the rows, for the gateway's trial records
    expect(eventsOf(run.events, 'phase.started').map((e) => e.meta)).toEqual([undefined, [{ by: 'test', slot: 0 }], [{ by: 'test', slot: 0 }], [{ by: 'test', slot: 0 }], undefined]);
    expect(eventsOf(run.events, 'progress').at(-1)).toMatchObject({ iteration: 3, total: 3 });
  });

  it('runs a batch of rows per iteration', async () => {
    const run = await runHarness(WORKFLOW, { plan: { source: source(4, 2), batchSize: 2 }, handlers: measure });
    expect(run.calls.filter((c) => c.action === 'measure').map((c) => c.args.x)).toEqual([1, 2, 8, 9]);
  });

  it('ends the campaign early when the source says so (null)', async () => {
    const run = await runHarness(WORKFLOW, { plan: { source: { ...source(2), maxIterations: 10 } }, handlers: measure });
    expect(run.calls.map((c) => c.action)).toEqual(['warm_up', 'measure', 'measure', 'park']);
    expect(run.outcome.status).toBe('completed');
  });

  it('a failing source waits: retry asks again, skip takes the fallback, and nothing ran in between', async () => {
    let failures = 1;
    const flaky: RowSource = {
      fingerprint: 'flaky', maxIterations: 3,
      async next(results) {
        if (results.length === 1 && failures-- > 0) throw new Error('the model could not be fitted');
        return results.length >= 3 ? null : { rows: [{ x: results.length + 1 }] };
      },
      async fallback() {
        return { rows: [{ x: 100 }] };
      },
    };
    const prompts: string[] = [];
    const retried = await runHarness(WORKFLOW, {
      plan: { source: flaky }, handlers: measure,
      respond: (p, run) => {
        prompts.push(`${p.kind}: ${p.message}`);
        run.retry(p.promptId);
      },
    });
    expect(prompts).toEqual(['optimizer: No rows for iteration 2: the model could not be fitted. Retry asks again, skip uses the fallback (the next design point), stop ends the run.']);
    expect(retried.calls.filter((c) => c.action === 'measure').map((c) => c.args.x)).toEqual([1, 2, 3]);

    failures = 1;
    const skipped = await runHarness(WORKFLOW, { plan: { source: flaky }, handlers: measure, respond: (p, run) => run.skip(p.promptId) });
    expect(skipped.calls.filter((c) => c.action === 'measure').map((c) => c.args.x)).toEqual([1, 100, 3]);

    failures = 1;
    const stopped = await runHarness(WORKFLOW, { plan: { source: flaky }, handlers: measure, errorPolicy: 'stop' });
    expect(stopped.outcome.status).toBe('failed');
    expect(stopped.calls.map((c) => c.action)).toEqual(['warm_up', 'measure', 'park']);
  });

  it("runs an operator's trial next while waiting, before asking the source again; a checkpoint keeps it", async () => {
    let failures = 1;
    const flaky = (): RowSource => ({
      fingerprint: 'operator', maxIterations: 3,
      async next(results) {
        if (results.length === 1 && failures-- > 0) throw new Error('no model');
        const last = results.at(-1)?.outputs.y;
        return results.length >= 3 ? null : { rows: [{ x: typeof last === 'number' ? last : 1 }] };
      },
    });
    const refusals: string[] = [];
    const run = await runHarness(WORKFLOW, {
      plan: { source: flaky() }, handlers: measure,
      respond: (p, r) => {
        expect(r.insertTrial({ x: 50 })).toEqual({ accepted: true });
        r.retry(p.promptId);
      },
    });
    expect(run.calls.filter((c) => c.action === 'measure').map((c) => c.args.x)).toEqual([1, 50, -40]);
    expect(eventsOf(run.events, 'phase.started').filter((e) => e.phase === 'main').map((e) => e.meta)).toEqual([undefined, [{ suggestedBy: 'operator' }], undefined]);
    refusals.push(run.interpreter.insertTrial({ x: 1 }).reason ?? '');
    const plain = await runHarness(WORKFLOW, { plan: { parameters: [{ x: 1 }] }, handlers: measure });
    refusals.push(plain.interpreter.insertTrial({ x: 1 }).reason ?? '');
    expect(refusals).toEqual(['the run has finished', 'only optimizer runs take trials']);

    // the checkpoint taken while it waited to run holds the trial: a restart runs it, not asking the source first
    const held = eventsOf(run.events, 'checkpoint').map((e) => readCheckpoint(e.checkpoint)).find((c) => c.state.operatorRows?.length === 1)!;
    failures = 0;
    const resumed = await runHarness(WORKFLOW, { plan: { source: flaky() }, handlers: measure, checkpoint: JSON.parse(serializeCheckpoint(held)) as JsonValue });
    expect(resumed.calls.filter((c) => c.action === 'measure').map((c) => c.args.x)).toEqual([50, -40]);
  });

  it('resumes from a checkpoint without asking for rows it already had, repeating and losing nothing', async () => {
    const first = source(4);
    const whole = await runHarness(WORKFLOW, { plan: { source: first }, handlers: measure });
    const checkpoints = eventsOf(whole.events, 'checkpoint').map((e) => readCheckpoint(e.checkpoint));
    // the checkpoint that holds iteration 3's rows before any of them ran
    const held = checkpoints.find((c) => c.state.nextRows && (c.state.results?.length ?? 0) === 2)!;
    expect(held.state.nextRows).toEqual([{ x: 1 }]);
    const second = source(4);
    const resumed = await runHarness(WORKFLOW, { plan: { source: second }, handlers: measure, checkpoint: JSON.parse(serializeCheckpoint(held)) as JsonValue });
    // iteration 3 runs the kept rows without asking; the source is asked for iteration 4 with all three results
    expect(resumed.calls.map((c) => `${c.action}(${c.args.x ?? ''})`)).toEqual(['measure(1)', 'measure(9)', 'park()']);
    expect(second.seen.map((s) => s.length)).toEqual([3]);
    const mainStarts = (events: EventEnvelope[]) => eventsOf(events, 'phase.started').filter((e) => e.phase === 'main').map((e) => e.repeatIndex);
    expect([...mainStarts(whole.events).slice(0, 2), ...mainStarts(resumed.events)]).toEqual([1, 2, 3, 4]);
  });

  it('refuses a checkpoint of another campaign', async () => {
    const whole = await runHarness(WORKFLOW, { plan: { source: source(2) }, handlers: measure });
    const checkpoint = eventsOf(whole.events, 'checkpoint').map((e) => readCheckpoint(e.checkpoint))[3];
    await expect(runHarness(WORKFLOW, { plan: { source: source(5) }, handlers: measure, checkpoint: JSON.parse(serializeCheckpoint(checkpoint)) as JsonValue }))
      .rejects.toThrow(/different run plan/);
  });
});
