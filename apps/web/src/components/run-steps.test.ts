import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import { stepLines } from './run-steps';

const step = (phase: 'prep' | 'main', repeatIndex: number, stepIndex: number) => ({ id: `${phase}${repeatIndex}${stepIndex}`, phase, repeatIndex, stepIndex }) as Schemas['StepResponse'];
const phase = (name: 'prep' | 'main', repeatIndex: number, steps: Schemas['StepResponse'][]) => ({ name, repeatIndex, steps }) as unknown as Schemas['PhaseResponse'];

describe('stepLines', () => {
  it('puts a heading before each phase and iteration that has steps, then its steps in order', () => {
    const run = { phases: [phase('prep', 1, []), phase('main', 1, [step('main', 1, 1), step('main', 1, 2)]), phase('main', 2, [step('main', 2, 1)])] } as Schemas['RunResponse'];
    expect(stepLines(run).map((l) => (l.kind === 'group' ? l.label : l.step.id))).toEqual(['Script · iteration 1', 'main11', 'main12', 'Script · iteration 2', 'main21']);
  });
});
