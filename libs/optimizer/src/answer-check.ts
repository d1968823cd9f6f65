import { parseLinearInequality } from './linear-constraint';
import type { ConfigIssue, OptimizerConfig, ParamValue } from './types';

// relative slack for bounds, grids and constraints: a service's JSON numbers may round a boundary point
const TOLERANCE = 1e-9;
const near = (a: number, b: number, scale: number) => Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(scale));

/**
 * Checks an external optimizer's answer: exactly `count` points, each giving every parameter of the
 * search space (and nothing else) a value the space allows, within the linear constraints. Returns the
 * points as suggestions' parameters, or every problem by path (`points[1].x`).
 */
export function checkPoints(
  config: Pick<OptimizerConfig, 'parameters' | 'constraints'>, answer: unknown, count: number,
): { points: Array<Record<string, ParamValue>>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const points = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as { points?: unknown }).points : undefined;
  if (!Array.isArray(points)) return { points: [], issues: [{ path: 'points', message: 'must be a list of points' }] };
  if (points.length !== count) issues.push({ path: 'points', message: `must hold ${count} point${count === 1 ? '' : 's'}, not ${points.length}` });
  const inequalities = (config.constraints ?? []).map(parseLinearInequality);
  points.forEach((point, i) => {
    const at = `points[${i}]`;
    if (typeof point !== 'object' || point === null || Array.isArray(point)) {
      issues.push({ path: at, message: 'must be an object of parameter values' });
      return;
    }
    const values = point as Record<string, unknown>;
    for (const name of Object.keys(values)) if (!(name in config.parameters)) issues.push({ path: `${at}.${name}`, message: 'not a parameter of the search space' });
    for (const [name, spec] of Object.entries(config.parameters)) {
      const v = values[name];
      const path = `${at}.${name}`;
      if (v === undefined) issues.push({ path, message: 'missing' });
      else if ('value' in spec) {
        if (v !== spec.value) issues.push({ path, message: `must be the fixed value ${JSON.stringify(spec.value)}` });
      } else if ('choices' in spec) {
        if (!spec.choices.includes(v as ParamValue)) issues.push({ path, message: `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}` });
      } else if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ path, message: 'must be a finite number' });
      else if (v < spec.min - TOLERANCE * Math.max(1, Math.abs(spec.min)) || v > spec.max + TOLERANCE * Math.max(1, Math.abs(spec.max))) {
        issues.push({ path, message: `must be within [${spec.min}, ${spec.max}]` });
      } else if (spec.integer && !Number.isInteger(v)) issues.push({ path, message: 'must be a whole number' });
      else if (spec.step !== undefined && !near((v - spec.min) / spec.step, Math.round((v - spec.min) / spec.step), (v - spec.min) / spec.step)) {
        issues.push({ path, message: `must be ${spec.min} plus a multiple of ${spec.step}` });
      }
    }
    if (issues.some((e) => e.path.startsWith(`${at}.`))) return;
    inequalities.forEach((c, k) => {
      const lhs = Object.entries(c.coefficients).reduce((sum, [name, a]) => sum + a * (values[name] as number), 0);
      if (lhs > c.bound + TOLERANCE * Math.max(1, Math.abs(c.bound))) issues.push({ path: at, message: `breaks constraints.${k} (${config.constraints?.[k]})` });
    });
  });
  return { points: issues.length === 0 ? (points as Array<Record<string, ParamValue>>) : [], issues };
}
