import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isRecord, list, parseYaml, rec, scalar } from './deploy-model';

/**
 * Renders a kustomization the way `kubectl apply -k` would, for the features our manifests use:
 * `resources` (files and directories), `patches` (strategic merge or JSON 6902, from `path` or
 * inline, with an optional `target`), `namespace`, `labels` (metadata only) and `images`.
 * Anything else in a kustomization is refused, so a manifest never silently renders
 * differently here than in a cluster. No kustomize binary or npm port of it is available here.
 */

export type Resource = Record<string, unknown>;

export interface Rendered {
  /** The file each resource came from, relative to the root passed in. */
  sources: string[];
  resources: Resource[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'patches', 'namespace', 'labels', 'images']);
/** Kinds without a namespace (the ones a lab deployment could contain). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);
/** List fields merged element by element (by this key) in strategic merge patches; others are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
};

export const idOf = (r: Resource) => `${String(r['kind'])}/${scalar(rec(r['metadata'])['name']) ?? '?'}`;

export function renderKustomization(dir: string, root = dir): Rendered {
  const file = ['kustomization.yaml', 'kustomization.yml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${relative(root, dir) || '.'}: no kustomization.yaml`);
  const where = relative(root, file);
  const k = rec(parseYaml(readFileSync(file, 'utf8'), where)[0]);
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length > 0) throw new Error(`${where}: unsupported fields ${unknown.join(', ')}`);

  const out: Rendered = { sources: [], resources: [] };
  for (const entry of list(k['resources']).map(String)) {
    const path = join(dir, entry);
    if (existsSync(path) && statSync(path).isDirectory()) {
      const sub = renderKustomization(path, root);
      out.sources.push(...sub.sources);
      out.resources.push(...sub.resources);
    } else {
      for (const doc of parseYaml(readFileSync(path, 'utf8'), relative(root, path))) {
        if (doc === null) continue;
        out.sources.push(relative(root, path));
        out.resources.push(rec(doc));
      }
    }
  }
  for (const p of list(k['patches']).map(rec)) {
    const text = p['path'] !== undefined ? readFileSync(join(dir, String(p['path'])), 'utf8') : String(p['patch'] ?? '');
    applyPatch(out, parseYaml(text, `${where} patch`), rec(p['target']), where);
  }
  const namespace = scalar(k['namespace']);
  if (namespace) {
    for (const r of out.resources) if (!CLUSTER_SCOPED.has(String(r['kind']))) rec(r['metadata'])['namespace'] = namespace;
  }
  for (const l of list(k['labels']).map(rec)) {
    for (const r of out.resources) {
      const meta = rec(r['metadata']);
      meta['labels'] = { ...rec(meta['labels']), ...rec(l['pairs']) };
      r['metadata'] = meta;
    }
  }
  for (const i of list(k['images']).map(rec)) {
    for (const r of out.resources) setImages(r, String(i['name']), scalar(i['newName']), scalar(i['newTag']));
  }
  return out;
}

function matches(r: Resource, target: Record<string, unknown>): boolean {
  const meta = rec(r['metadata']);
  return (
    (target['kind'] === undefined || target['kind'] === r['kind']) &&
    (target['name'] === undefined || new RegExp(`^${String(target['name'])}$`).test(scalar(meta['name']) ?? ''))
  );
}

function applyPatch(out: Rendered, docs: unknown[], target: Record<string, unknown>, where: string): void {
  if (docs.length === 1 && Array.isArray(docs[0])) {
    const hits = out.resources.filter((r) => matches(r, target));
    if (hits.length === 0) throw new Error(`${where}: JSON patch target ${JSON.stringify(target)} matches nothing`);
    hits.forEach((r) => applyJsonPatch(r, docs[0] as unknown[]));
    return;
  }
  for (const patch of docs.filter(isRecord)) {
    const kind = patch['kind'];
    const name = scalar(rec(patch['metadata'])['name']);
    const index = out.resources.findIndex((r) => r['kind'] === kind && scalar(rec(r['metadata'])['name']) === name && matches(r, target));
    if (index < 0) throw new Error(`${where}: patch for ${String(kind)}/${String(name)} matches nothing`);
    if (patch['$patch'] === 'delete') {
      out.resources.splice(index, 1);
      out.sources.splice(index, 1);
    } else out.resources[index] = rec(strategicMerge(out.resources[index], patch));
  }
}

/** Strategic merge, for the fields in MERGE_KEYS; `null` removes a key, `$patch: delete` an element. */
export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (isRecord(patch)) {
    if (patch['$patch'] === 'replace') return withoutDirectives(patch);
    const out: Record<string, unknown> = { ...rec(base) };
    for (const [key, value] of Object.entries(patch)) {
      if (key === '$patch') continue;
      if (value === null) delete out[key];
      else out[key] = strategicMerge(out[key], value, key);
    }
    return out;
  }
  const key = MERGE_KEYS[field];
  if (Array.isArray(patch) && Array.isArray(base) && key) {
    const out = [...base];
    for (const item of patch) {
      const at = out.findIndex((b) => isRecord(b) && isRecord(item) && b[key] === item[key]);
      if (isRecord(item) && item['$patch'] === 'delete') {
        if (at >= 0) out.splice(at, 1);
      } else if (at >= 0) out[at] = strategicMerge(out[at], item);
      else out.push(withoutDirectives(item));
    }
    return out;
  }
  return patch;
}

function withoutDirectives(v: unknown): unknown {
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$patch'));
}

/** RFC 6902: add, remove, replace, test (all our patches need). */
export function applyJsonPatch(doc: Record<string, unknown>, ops: unknown[]): void {
  for (const raw of ops.map(rec)) {
    const op = String(raw['op']);
    const tokens = String(raw['path']).split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = tokens.pop();
    if (last === undefined) throw new Error(`JSON patch ${op}: the root cannot be patched`);
    let parent: unknown = doc;
    for (const t of tokens) {
      parent = Array.isArray(parent) ? parent[Number(t)] : isRecord(parent) ? parent[t] : undefined;
      if (parent === undefined) throw new Error(`JSON patch ${op} ${String(raw['path'])}: ${t} does not exist`);
    }
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!(i >= 0 && i <= parent.length) || (op !== 'add' && i >= parent.length)) {
        throw new Error(`JSON patch ${op} ${String(raw['path'])}: index out of range`);
      }
      if (op === 'add') parent.splice(i, 0, raw['value']);
      else if (op === 'remove') parent.splice(i, 1);
      else if (op === 'replace') parent[i] = raw['value'];
      else if (op === 'test') assertEqual(parent[i], raw['value'], String(raw['path']));
      else throw new Error(`JSON patch: unsupported op ${op}`);
    } else if (isRecord(parent)) {
      if (op !== 'add' && !(last in parent)) throw new Error(`JSON patch ${op} ${String(raw['path'])}: ${last} does not exist`);
      if (op === 'add' || op === 'replace') parent[last] = raw['value'];
      else if (op === 'remove') delete parent[last];
      else if (op === 'test') assertEqual(parent[last], raw['value'], String(raw['path']));
      else throw new Error(`JSON patch: unsupported op ${op}`);
    } else throw new Error(`JSON patch ${op} ${String(raw['path'])}: parent is not an object or array`);
  }
}

function assertEqual(actual: unknown, expected: unknown, path: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`JSON patch test ${path} failed`);
}

function podSpecs(r: Resource): Record<string, unknown>[] {
  const spec = rec(r['spec']);
  if (r['kind'] === 'Pod') return [spec];
  if (r['kind'] === 'CronJob') return [rec(rec(rec(rec(spec['jobTemplate'])['spec'])['template'])['spec'])];
  return isRecord(spec['template']) ? [rec(rec(spec['template'])['spec'])] : [];
}

/** kustomize's `images`: matches the name with or without a tag or digest. */
function setImages(r: Resource, name: string, newName?: string, newTag?: string): void {
  for (const spec of podSpecs(r)) {
    for (const c of [...list(spec['initContainers']), ...list(spec['containers'])].filter(isRecord)) {
      const image = scalar(c['image']) ?? '';
      const [base, tag] = image.includes('@') ? [image.split('@')[0], undefined] : splitTag(image);
      if (base !== name) continue;
      c['image'] = `${newName ?? base}${newTag !== undefined ? `:${newTag}` : tag !== undefined ? `:${tag}` : ''}`;
    }
  }
}

function splitTag(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}
