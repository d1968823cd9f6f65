import type { Schemas } from '../api/client';

type Run = Schemas['RunResponse'];

export interface Bar {
  lane: number;
  start: number;
  end: number;
  status: string;
  label: string;
}

export interface Timeline {
  lanes: string[];
  bars: Bar[];
  from: number;
  to: number;
}

const PHASE_NAMES: Record<string, string> = { prep: 'Prep', main: 'Script', cleanup: 'Cleanup' };
const ms = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : Number.NaN);

/**
 * Every step as a bar on a lane per phase and iteration (iterations grouped by tens beyond 50, so a
 * long run stays readable). A step still running ends at `now`.
 */
export function timelineOf(run: Run, now = Date.now()): Timeline {
  const iterations = run.phases.filter((p) => p.name === 'main').length;
  const group = iterations > 50 ? 10 : 1;
  const laneName = (p: Run['phases'][number]) => {
    if (p.name !== 'main') return PHASE_NAMES[p.name] ?? p.name;
    if (group === 1) return `Iteration ${p.repeatIndex}`;
    const first = Math.floor((p.repeatIndex - 1) / group) * group + 1;
    return `Iterations ${first}–${first + group - 1}`;
  };
  const lanes: string[] = [];
  const bars: Bar[] = [];
  // A phase with no calls (prep holding only an input step) gets no lane of its own.
  for (const phase of run.phases.filter((p) => p.steps.length > 0)) {
    const name = laneName(phase);
    if (!lanes.includes(name)) lanes.push(name);
    for (const step of phase.steps) {
      const start = ms(step.startedAt);
      if (!Number.isFinite(start)) continue;
      const end = Number.isFinite(ms(step.endedAt)) ? ms(step.endedAt) : now;
      bars.push({ lane: lanes.indexOf(name), start, end: Math.max(end, start), status: step.status, label: `${step.instrument.replace(/^deck\./, '')}.${step.methodName}` });
    }
  }
  const from = Math.min(...bars.map((b) => b.start), Number.isFinite(ms(run.startedAt)) ? ms(run.startedAt) : Infinity);
  const to = Math.max(...bars.map((b) => b.end), Number.isFinite(ms(run.endedAt)) ? ms(run.endedAt) : -Infinity);
  return { lanes, bars, from: Number.isFinite(from) ? from : now, to: Number.isFinite(to) ? to : now };
}

/** Where the time went: methods by total time, largest first, with their share and call count. */
export function mostTime(bars: readonly Bar[]): { label: string; total: number; calls: number; share: number }[] {
  const by = new Map<string, { total: number; calls: number }>();
  for (const b of bars) {
    const t = by.get(b.label) ?? { total: 0, calls: 0 };
    t.total += b.end - b.start;
    t.calls += 1;
    by.set(b.label, t);
  }
  const all = [...by.values()].reduce((n, t) => n + t.total, 0);
  return [...by.entries()]
    .map(([label, t]) => ({ label, ...t, share: all > 0 ? t.total / all : 0 }))
    .sort((a, b) => b.total - a.total);
}
