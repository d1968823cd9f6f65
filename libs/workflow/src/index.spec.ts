import * as workflow from './index';
import { act, doc } from './testing/run-harness';

describe('public API', () => {
  it('validates, renders and runs a workflow through index.ts alone', async () => {
    const d = doc([act('deck.sdl', 'dose', { amount: '#amount' }, { return: 'mass', arg_types: { amount: 'float' } })]);
    const validation = workflow.validateWorkflow(d);
    expect(validation).toMatchObject({ valid: true, outputs: ['mass'], parameters: [{ name: 'amount', type: 'float' }] });
    expect(workflow.offeredRunModes(validation)).toEqual(['parameters', 'optimizer']);
    const { rows, errors } = workflow.parseConfigCsv('amount\nfloat\n2.5\n', { parameters: validation.parameters });
    expect(errors).toEqual([]);
    expect(workflow.renderWorkflow(d)).toContain('const mass = await deck.sdl.dose(amount);');
    const events: string[] = [];
    const interpreter = new workflow.WorkflowInterpreter({
      runId: 'r', deck: 'demo', workflow: d, plan: { parameters: rows },
      invoker: { invoke: async (call) => Number(call.args.amount) * 2 },
      onEvent: (e) => void events.push(e.event.type),
    });
    expect(await interpreter.run()).toEqual({ status: 'completed', error: null });
    const checkpoint = workflow.readCheckpoint(workflow.serializeCheckpoint(interpreter.checkpoint()));
    expect(checkpoint.state.stage).toBe('done');
    expect(events.filter((t) => t === 'step.finished')).toHaveLength(1);
  });
});
