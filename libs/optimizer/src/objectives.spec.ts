import { campaignStop, chebyshev, minimisedValues } from './objectives';
import type { ObjectiveSpec, TrialRecord } from './types';

const MIN: ObjectiveSpec[] = [{ output: 'y', direction: 'min' }];
const done = (y: unknown): TrialRecord => ({ parameters: { x: 0 }, status: 'completed', outputs: { y }, suggestedBy: 'model' });
const failed: TrialRecord = { parameters: { x: 0 }, status: 'failed', suggestedBy: 'model' };

describe('campaignStop', () => {
  it('stops when the budget is spent, failed and pending trials included', () => {
    const pending: TrialRecord = { parameters: { x: 1 }, status: 'pending', suggestedBy: 'model' };
    expect(campaignStop({ objectives: MIN }, [done(1), failed], { budget: 3 })).toBeNull();
    expect(campaignStop({ objectives: MIN }, [done(1), failed, pending], { budget: 3 })).toBe('budget');
  });

  it('stops when every objective reached its threshold in one trial', () => {
    const objectives: ObjectiveSpec[] = [{ output: 'y', direction: 'min', threshold: 0.5 }];
    expect(campaignStop({ objectives }, [done(0.6)], { budget: 10 })).toBeNull();
    expect(campaignStop({ objectives }, [done(0.6), done(0.5)], { budget: 10 })).toBe('thresholds');
  });

  it('stops early after `patience` trials without an improvement of at least minImprovement', () => {
    const rules = { budget: 100, earlyStop: { patience: 3, minImprovement: 0.1 } };
    expect(campaignStop({ objectives: MIN }, [done(5), done(4), done(3.95), done(3.92)], rules)).toBeNull();
    expect(campaignStop({ objectives: MIN }, [done(5), done(4), done(3.95), done(3.92), failed], rules)).toBe('earlyStop');
    expect(campaignStop({ objectives: MIN }, [done(5), done(4), done(3.95), done(3.92), done(3.8)], rules)).toBeNull();
    // maximised objectives improve upwards
    const max: ObjectiveSpec[] = [{ output: 'y', direction: 'max' }];
    expect(campaignStop({ objectives: max }, [done(1), done(2), done(2), done(2), done(2)], rules)).toBe('earlyStop');
    expect(campaignStop({ objectives: max }, [done(1), done(2), done(2), done(2), done(3)], rules)).toBeNull();
  });
});

describe('minimisedValues and chebyshev', () => {
  it('negates maximised objectives and refuses missing or non-finite values', () => {
    const objectives: ObjectiveSpec[] = [{ output: 'a', direction: 'max' }, { output: 'b', direction: 'min' }];
    const t = (outputs: Record<string, unknown>): TrialRecord => ({ parameters: {}, status: 'completed', outputs, suggestedBy: 'model' });
    expect(minimisedValues(objectives, t({ a: 2, b: 3 }))).toEqual([-2, 3]);
    expect(minimisedValues(objectives, t({ a: 2 }))).toBeNull();
    expect(minimisedValues(objectives, t({ a: 2, b: Infinity }))).toBeNull();
    expect(minimisedValues(objectives, failed)).toBeNull();
  });

  it('scalarises by the augmented Chebyshev norm of min–max normalised objectives', () => {
    // rows normalise to (0, 1), (1, 0), (0.5, 0.5); weights (0.5, 0.5)
    expect(chebyshev([[0, 10], [2, 0], [1, 5]], [0.5, 0.5])).toEqual([0.5 + 0.025, 0.5 + 0.025, 0.25 + 0.025]);
  });
});
