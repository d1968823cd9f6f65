import { parseAllDocuments } from 'yaml';

/**
 * Reads docker-compose.yml, Kubernetes manifests and the Dockerfile into one shape — the
 * processes they start — so deploy-checks.ts can compare every deployment with the apps.
 */

export type Role = 'gateway' | 'migrate' | 'agent' | 'other';

export interface EnvEntry {
  /** The value as the app would see it; secrets and required compose variables get a sample. */
  value?: string;
  source: 'literal' | 'compose-required' | 'compose-optional' | 'config-map' | 'secret' | 'other';
}

export interface Probe {
  what: string;
  port?: number;
  path?: string;
}

export interface Workload {
  where: string;
  platform: 'compose' | 'k8s';
  kind: string;
  name: string;
  role: Role;
  image?: string;
  command: string[];
  env: Map<string, EnvEntry>;
  /** Ports the container listens on (compose: the container side of `ports`). */
  ports: number[];
  namedPorts: Map<string, number>;
  probes: Probe[];
  /** Mount paths backed by storage that outlives the container. */
  persistentMounts: string[];
  replicas?: number;
  labels: Record<string, string>;
  restart?: string;
  containerName?: string;
  dependsOn: Record<string, string>;
  /** References that could not be resolved (missing ConfigMap, Secret or key). */
  problems: string[];
}

export interface K8sService {
  where: string;
  name: string;
  selector: Record<string, string>;
  ports: { port?: number; targetPort?: number | string }[];
}

export interface Dockerfile {
  stages: { from: string; name?: string; lines: string[] }[];
  /** CMD of the last stage, exec form. */
  cmd: string[];
  user?: string;
  /** Destinations of COPY in the last stage, relative to WORKDIR. */
  runtimeCopies: string[];
}

/** Long enough for every min-length rule; stands in for values only the operator provides. */
export const SAMPLE_SECRET = 'sample-secret-value-0123456789';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** All documents of a YAML file, with `<<` merge keys (compose uses them) resolved. */
export function parseYaml(source: string, where: string): unknown[] {
  return parseAllDocuments(source, { merge: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as unknown;
  });
}

export function roleOf(command: string[]): Role {
  const joined = command.join(' ');
  if (joined.includes('dist/apps/gateway/')) return 'gateway';
  if (joined.includes('dist/apps/deck-agent/')) return 'agent';
  if (joined.includes('migrate.js')) return 'migrate';
  return 'other';
}

/**
 * Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?error}` (and forms without `:`), `$$`. A plain
 * `${VAR}` is empty when unset (compose warns), so it counts as optional.
 */
export function interpolate(value: string): { value: string; required: string[]; optional: string[] } {
  const required: string[] = [];
  const optional: string[] = [];
  const out = value
    .split('$$')
    .map((part) =>
      part.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
        if (op === '-' || op === undefined) {
          optional.push(name);
          return arg ?? '';
        }
        required.push(name);
        return SAMPLE_SECRET;
      }),
    )
    .join('$');
  return { value: out, required, optional };
}

const words = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((w) => scalar(w) ?? '') : typeof v === 'string' ? v.trim().split(/\s+/) : [];

function composePort(entry: unknown): number | undefined {
  if (isRecord(entry)) return Number(entry['target']);
  const s = scalar(entry);
  if (s === undefined) return undefined;
  const container = s.split('/')[0].split(':').pop() ?? '';
  return Number(interpolate(container).value);
}

function urlProbes(what: string, command: string[]): Probe[] {
  const found = [...command.join(' ').matchAll(/https?:\/\/[^/:\s'"]+(?::(\d+))?(\/[^\s'"]*)?/g)];
  return found.map((m) => ({ what, port: m[1] ? Number(m[1]) : 80, path: m[2] }));
}

export function composeWorkloads(compose: unknown, imageCmd: string[], ourImage: (image: string) => boolean): Workload[] {
  return Object.entries(rec(rec(compose)['services'])).map(([name, raw]) => {
    const svc = rec(raw);
    const image = scalar(svc['image']);
    const explicit = words(svc['command']);
    const command = explicit.length > 0 ? explicit : image && ourImage(image) ? imageCmd : [];
    const env = new Map<string, EnvEntry>();
    const environment = svc['environment'];
    const pairs: [string, unknown][] = Array.isArray(environment)
      ? environment.map((e) => {
          const [k, ...v] = String(e).split('=');
          return [k, v.length > 0 ? v.join('=') : null];
        })
      : Object.entries(rec(environment));
    for (const [key, v] of pairs) {
      const s = scalar(v);
      if (s === undefined) {
        env.set(key, { source: 'other' });
        continue;
      }
      const i = interpolate(s);
      const source = i.required.length > 0 ? 'compose-required' : i.optional.length > 0 ? 'compose-optional' : 'literal';
      env.set(key, { value: i.value, source });
    }
    const named = rec(rec(compose)['volumes']);
    const persistentMounts = list(svc['volumes']).flatMap((v) => {
      if (isRecord(v)) return v['type'] === 'volume' ? [String(v['target'])] : [];
      const [source, target] = String(v).split(':');
      return target !== undefined && source in named ? [target] : [];
    });
    const dependsOn: Record<string, string> = {};
    const deps = svc['depends_on'];
    if (Array.isArray(deps)) deps.forEach((d) => (dependsOn[String(d)] = 'service_started'));
    else for (const [d, c] of Object.entries(rec(deps))) dependsOn[d] = scalar(rec(c)['condition']) ?? 'service_started';
    const health = rec(svc['healthcheck']);
    return {
      where: `docker-compose.yml services.${name}`,
      platform: 'compose',
      kind: 'service',
      name,
      role: roleOf(command),
      image,
      command,
      env,
      // `expose`: reached by other services only (replicas behind the proxy cannot share a published port).
      ports: [...list(svc['ports']), ...list(svc['expose'])].map(composePort).filter((p): p is number => p !== undefined),
      namedPorts: new Map(),
      probes: health['disable'] === true ? [] : urlProbes('healthcheck', words(health['test'])),
      persistentMounts,
      labels: {},
      restart: scalar(svc['restart']),
      containerName: scalar(svc['container_name']),
      dependsOn,
      problems: [],
    };
  });
}

interface KeyStore {
  kind: 'ConfigMap' | 'Secret';
  data: Record<string, string>;
}

/** ConfigMaps and Secrets by name, with Secret `data` decoded. */
export function keyStores(docs: unknown[]): Map<string, KeyStore> {
  const stores = new Map<string, KeyStore>();
  for (const doc of docs.map(rec)) {
    const name = scalar(rec(doc['metadata'])['name']) ?? '';
    if (doc['kind'] === 'ConfigMap') {
      const data = Object.fromEntries(Object.entries(rec(doc['data'])).map(([k, v]) => [k, scalar(v) ?? '']));
      stores.set(`ConfigMap/${name}`, { kind: 'ConfigMap', data });
    } else if (doc['kind'] === 'Secret') {
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(rec(doc['data']))) data[k] = Buffer.from(scalar(v) ?? '', 'base64').toString('utf8');
      for (const [k, v] of Object.entries(rec(doc['stringData']))) data[k] = scalar(v) ?? '';
      stores.set(`Secret/${name}`, { kind: 'Secret', data });
    }
  }
  return stores;
}

function podSpec(doc: Record<string, unknown>): { spec: Record<string, unknown>; labels: Record<string, unknown> } | undefined {
  const spec = rec(doc['spec']);
  const template =
    doc['kind'] === 'Pod' ? doc : doc['kind'] === 'CronJob' ? rec(rec(rec(spec['jobTemplate'])['spec'])['template']) : rec(spec['template']);
  if (!isRecord(template['spec'])) return undefined;
  return { spec: rec(template['spec']), labels: rec(rec(template['metadata'])['labels']) };
}

export function k8sWorkloads(files: { file: string; docs: unknown[] }[], imageCmd: string[]): Workload[] {
  const stores = keyStores(files.flatMap((f) => f.docs));
  const out: Workload[] = [];
  for (const { file, docs } of files) {
    for (const doc of docs.map(rec)) {
      const pod = podSpec(doc);
      if (!pod) continue;
      const kind = String(doc['kind']);
      const name = scalar(rec(doc['metadata'])['name']) ?? '';
      const spec = rec(doc['spec']);
      const claims = new Set(list(spec['volumeClaimTemplates']).map((c) => scalar(rec(rec(c)['metadata'])['name'])));
      for (const v of list(pod.spec['volumes']).map(rec)) if (isRecord(v['persistentVolumeClaim'])) claims.add(scalar(v['name']));
      const containers = [...list(pod.spec['initContainers']), ...list(pod.spec['containers'])].map(rec);
      for (const c of containers) {
        const where = `${file} ${kind}/${name} container ${scalar(c['name']) ?? '?'}`;
        const problems: string[] = [];
        const env = new Map<string, EnvEntry>();
        const lookup = (kindName: 'ConfigMap' | 'Secret', ref: Record<string, unknown>, key?: string): string | undefined => {
          const store = stores.get(`${kindName}/${scalar(ref['name']) ?? ''}`);
          const what = `${kindName} ${String(ref['name'])}`;
          const missing = !store ? what : key !== undefined && !(key in store.data) ? `key ${key} of ${what}` : undefined;
          if (missing && ref['optional'] !== true) problems.push(`${where}: refers to missing ${missing}`);
          return key !== undefined ? store?.data[key] : undefined;
        };
        for (const from of list(c['envFrom']).map(rec)) {
          const prefix = scalar(from['prefix']) ?? '';
          for (const kindName of ['ConfigMap', 'Secret'] as const) {
            const ref = from[kindName === 'ConfigMap' ? 'configMapRef' : 'secretRef'];
            if (!isRecord(ref)) continue;
            lookup(kindName, ref);
            const data = stores.get(`${kindName}/${scalar(ref['name']) ?? ''}`)?.data ?? {};
            for (const [k, v] of Object.entries(data)) {
              env.set(prefix + k, kindName === 'ConfigMap' ? { value: v, source: 'config-map' } : { value: SAMPLE_SECRET, source: 'secret' });
            }
          }
        }
        for (const e of list(c['env']).map(rec)) {
          const key = String(e['name']);
          const from = rec(e['valueFrom']);
          if (isRecord(from['configMapKeyRef'])) {
            const ref = rec(from['configMapKeyRef']);
            env.set(key, { value: lookup('ConfigMap', ref, String(ref['key'])), source: 'config-map' });
          } else if (isRecord(from['secretKeyRef'])) {
            const ref = rec(from['secretKeyRef']);
            lookup('Secret', ref, String(ref['key']));
            env.set(key, { value: SAMPLE_SECRET, source: 'secret' });
          } else if ('valueFrom' in e) env.set(key, { source: 'other' });
          else env.set(key, { value: scalar(e['value']) ?? '', source: 'literal' });
        }
        const namedPorts = new Map<string, number>();
        const ports = list(c['ports']).map(rec).map((p) => {
          const n = Number(p['containerPort']);
          if (typeof p['name'] === 'string') namedPorts.set(p['name'], n);
          return n;
        });
        const probes = ['readinessProbe', 'livenessProbe', 'startupProbe'].flatMap((what) => {
          const probe = rec(c[what]);
          const action = isRecord(probe['httpGet']) ? rec(probe['httpGet']) : isRecord(probe['tcpSocket']) ? rec(probe['tcpSocket']) : undefined;
          if (!action) return [];
          const port = action['port'];
          return [{ what, port: typeof port === 'number' ? port : namedPorts.get(String(port)), path: scalar(action['path']) }];
        });
        const command = [...words(c['command']), ...words(c['args'])];
        out.push({
          where,
          platform: 'k8s',
          kind,
          name,
          role: roleOf(command.length > 0 ? command : imageCmd),
          image: scalar(c['image']),
          command: command.length > 0 ? command : imageCmd,
          env,
          ports,
          namedPorts,
          probes,
          persistentMounts: list(c['volumeMounts']).map(rec).filter((m) => claims.has(scalar(m['name']))).map((m) => String(m['mountPath'])),
          replicas: kind === 'Deployment' || kind === 'StatefulSet' ? Number(spec['replicas'] ?? 1) : undefined,
          labels: Object.fromEntries(Object.entries(pod.labels).map(([k, v]) => [k, String(v)])),
          dependsOn: {},
          problems,
        });
      }
    }
  }
  return out;
}

export function k8sServices(files: { file: string; docs: unknown[] }[]): K8sService[] {
  return files.flatMap(({ file, docs }) =>
    docs.map(rec).filter((d) => d['kind'] === 'Service').map((d) => {
      const spec = rec(d['spec']);
      return {
        where: `${file} Service/${scalar(rec(d['metadata'])['name']) ?? ''}`,
        name: scalar(rec(d['metadata'])['name']) ?? '',
        selector: Object.fromEntries(Object.entries(rec(spec['selector'])).map(([k, v]) => [k, String(v)])),
        ports: list(spec['ports']).map(rec).map((p) => ({
          port: typeof p['port'] === 'number' ? p['port'] : undefined,
          targetPort: typeof p['targetPort'] === 'number' || typeof p['targetPort'] === 'string' ? p['targetPort'] : undefined,
        })),
      };
    }),
  );
}

/** Enough of Dockerfile syntax for these checks: ARG defaults, stages, exec-form CMD. */
export function parseDockerfile(source: string): Dockerfile {
  const lines = source
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const expand = (text: string) => text.replace(/\$\{?(\w+)\}?/g, (_m, a: string) => args.get(a) ?? '');
  const stages: Dockerfile['stages'] = [];
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const op = instruction.toUpperCase();
    if (op === 'ARG' && stages.length === 0) {
      const [k, v] = rest.join(' ').split('=');
      if (v !== undefined) args.set(k, expand(v));
    } else if (op === 'FROM') {
      const as = rest.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ from: expand(rest[0]), name: as >= 0 ? rest[as + 1] : undefined, lines: [] });
    } else if (stages.length > 0) stages[stages.length - 1].lines.push(line);
  }
  // The default target is the last stage, with what it inherits from stages it is built FROM.
  const chain: Dockerfile['stages'] = [];
  let stage: Dockerfile['stages'][number] | undefined = stages[stages.length - 1];
  while (stage && chain.length <= stages.length) {
    chain.unshift(stage);
    const parent: string = stage.from;
    stage = stages.find((x) => x.name !== undefined && x.name === parent);
  }
  const last = chain.flatMap((s) => s.lines);
  const find = (op: string) => last.filter((l) => l.toUpperCase().startsWith(`${op} `)).map((l) => l.slice(op.length + 1).trim());
  const cmd = find('CMD').pop();
  return {
    stages,
    cmd: cmd?.startsWith('[') ? (JSON.parse(cmd) as string[]) : [],
    user: find('USER').pop(),
    runtimeCopies: find('COPY').map((l) => l.split(/\s+/).pop() ?? '').map((d) => d.replace(/^\.\//, '').replace(/\/$/, '')),
  };
}
