import { describe, expect, it } from 'vitest';
import { emptyDraft, optimizerBody } from './optimizer-form';

describe('optimizerBody', () => {
  it('builds the optimizer request: ranges, choices, fixed values, objectives, budget', () => {
    const draft = emptyDraft(['temp', 'solvent', 'stir'], ['yield', 'purity']);
    draft.parameters.temp = { ...draft.parameters.temp, min: '20', max: '80', step: '5' };
    draft.parameters.solvent = { ...draft.parameters.solvent, kind: 'choices', choices: 'MeOH, EtOH' };
    draft.parameters.stir = { ...draft.parameters.stir, kind: 'fixed', value: 'true' };
    draft.objectives.yield.threshold = '0.9';
    expect(optimizerBody(draft, 2)).toEqual({
      errors: {},
      optimizer: {
        parameters: { temp: { min: 20, max: 80, step: 5 }, solvent: { choices: ['MeOH', 'EtOH'] }, stir: { value: true } },
        objectives: [{ output: 'yield', direction: 'max', threshold: 0.9 }],
        budget: 20,
        batchSize: 2,
        algorithm: 'gp-logei',
      },
    });
  });
  it('marks every problem at once, at the paths the gateway uses', () => {
    const draft = emptyDraft(['temp', 'solvent'], ['yield']);
    draft.parameters.temp = { ...draft.parameters.temp, min: '80', max: '20', log: true };
    draft.parameters.solvent = { ...draft.parameters.solvent, kind: 'choices', choices: 'MeOH' };
    draft.objectives.yield.direction = 'none';
    draft.budget = '0';
    expect(Object.keys(optimizerBody(draft, 1).errors).sort()).toEqual([
      'optimizer.budget', 'optimizer.objectives', 'optimizer.parameters.solvent.choices', 'optimizer.parameters.temp.max',
    ]);
  });
});
