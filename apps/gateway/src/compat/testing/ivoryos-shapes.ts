import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON value's shape as recorded from IvoryOS 1.6.11 (see fixtures/ivoryos-1.6.11-shapes.json). */
export type Shape = 'string' | 'number' | 'boolean' | 'null' | { array: Shape[] } | { object: Record<string, Shape[]> } | { map: Shape[] };

/**
 * Keys holding user data (parameters, outputs, arguments, a workflow's steps): their content
 * depends on the deck and the workflow, not on the protocol, so only their JSON kind is compared.
 */
const OPAQUE = new Set(['parameters', 'outputs', 'output', 'kwargs', 'args', 'arg_types', 'script_dict', 'python_script', 'id_order', 'return_values', 'details']);

const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ivoryos-1.6.11-shapes.json'), 'utf8')) as { routes: Record<string, Shape[]> };

/** Routes recorded, `METHOD /path status` with ids as `<id>`. */
export function recordedRoutes(): string[] {
  return Object.keys(fixture.routes);
}

/**
 * Where `value` differs from every shape IvoryOS answered `route` with; empty when it matches one.
 * A leaf IvoryOS only ever answered `null` for accepts anything (the recording holds no type).
 */
export function shapeMismatches(route: string, value: unknown): string[] {
  const variants = fixture.routes[route];
  if (!variants) return [`no recorded IvoryOS answer for ${route}`];
  const tries = variants.map((v) => compare(value, [v], '$'));
  return tries.find((t) => t.length === 0) ?? tries.sort((a, b) => a.length - b.length)[0];
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function shapeKind(s: Shape): string {
  return typeof s === 'string' ? s : 'array' in s ? 'array' : 'object';
}

function compare(value: unknown, variants: Shape[], path: string, opaque = false): string[] {
  if (variants.length === 0 || variants.every((s) => s === 'null')) return [];
  if (opaque) {
    return variants.some((s) => shapeKind(s) === kindOf(value)) ? [] : [`${path}: ${kindOf(value)}, IvoryOS: ${variants.map(shapeKind).join('|')}`];
  }
  let best: string[] | undefined;
  for (const s of variants) {
    const problems = compareOne(value, s, path);
    if (!problems.length) return [];
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

function compareOne(value: unknown, s: Shape, path: string): string[] {
  if (typeof s === 'string') return kindOf(value) === s ? [] : [`${path}: ${kindOf(value)}, IvoryOS: ${s}`];
  if ('array' in s) {
    if (!Array.isArray(value)) return [`${path}: ${kindOf(value)}, IvoryOS: array`];
    return value.flatMap((item, i) => compare(item, s.array, `${path}[${i}]`));
  }
  if (kindOf(value) !== 'object') return [`${path}: ${kindOf(value)}, IvoryOS: object`];
  const obj = value as Record<string, unknown>;
  if ('map' in s) return Object.entries(obj).flatMap(([k, v]) => compare(v, s.map, `${path}.${k}`));
  const want = Object.keys(s.object);
  const have = Object.keys(obj);
  const problems = [
    ...want.filter((k) => !have.includes(k)).map((k) => `${path}.${k}: missing`),
    ...have.filter((k) => !want.includes(k)).map((k) => `${path}.${k}: not in IvoryOS's answer`),
  ];
  for (const k of want.filter((key) => have.includes(key))) problems.push(...compare(obj[k], s.object[k], `${path}.${k}`, OPAQUE.has(k)));
  return problems;
}
