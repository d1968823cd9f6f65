import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import { mostTime, timelineOf } from './timeline';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const step = (method: string, from: number, to: number | null, status = 'completed') => ({ instrument: 'deck.sdl', methodName: method, startedAt: at(from), endedAt: to === null ? null : at(to), status });
const phase = (name: string, repeatIndex: number, steps: unknown[]) => ({ name, repeatIndex, steps });

describe('timeline', () => {
  it('lays steps on a lane per phase and iteration, a running step up to now', () => {
    const run = { startedAt: at(0), endedAt: null, phases: [phase('prep', 1, [step('tare', 0, 1)]), phase('main', 1, [step('dose', 1, 4)]), phase('main', 2, [step('dose', 4, null, 'running')])] } as unknown as Schemas['RunResponse'];
    const t = timelineOf(run, Date.parse(at(6)));
    expect(t.lanes).toEqual(['Prep', 'Iteration 1', 'Iteration 2']);
    expect(t.bars.map((b) => [b.lane, (b.end - b.start) / 1000])).toEqual([[0, 1], [1, 3], [2, 2]]);
    expect(mostTime(t.bars)[0]).toEqual({ label: 'sdl.dose', total: 5000, calls: 2, share: 5 / 6 });
  });
  it('groups iterations by ten beyond 50', () => {
    const phases = Array.from({ length: 60 }, (_, i) => phase('main', i + 1, [step('dose', i, i + 1)]));
    const t = timelineOf({ startedAt: at(0), endedAt: at(60), phases } as unknown as Schemas['RunResponse']);
    expect(t.lanes).toHaveLength(6);
    expect(t.lanes[0]).toBe('Iterations 1–10');
  });
});
