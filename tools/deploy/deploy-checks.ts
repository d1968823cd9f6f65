import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Dockerfile, K8sService, Workload } from './deploy-model';
import { list, rec, scalar } from './deploy-model';

/**
 * Each check returns the problems it found, one readable line each; an empty list means the
 * deployment files agree with the apps.
 */

interface EnvSchema {
  safeParse(input: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

export interface AppFacts {
  gatewayEnvNames: readonly string[];
  agentEnvNames: readonly string[];
  gatewaySchema: EnvSchema;
  agentSchema: EnvSchema;
  /** The gateway schema's PORT default. */
  port: number;
  /** `ivoryos-ts:<package.json version>`. */
  image: string;
  /** Variants built from the same Dockerfile, tagged `<image>-<variant>` (the agent with Python: `python`). */
  imageVariants?: string[];
}

/** Without these the gateway refuses to start in production. */
export const productionSecrets = ['IVORYOS_ADMIN_PASSWORD', 'IVORYOS_JWT_SECRET'];
/** The gateway accepts either name for the PostgreSQL URL. */
export const databaseUrlNames = ['IVORYOS_DB_URI', 'DATABASE_URL'];

const ours = (w: Workload) => w.role !== 'other';
const secretSources = new Set(['secret', 'compose-required']);

export function checkEnvNames(workloads: Workload[], facts: AppFacts): string[] {
  return workloads.filter(ours).flatMap((w) => {
    const allowed = w.role === 'agent' ? facts.agentEnvNames : facts.gatewayEnvNames;
    const schema = w.role === 'agent' ? 'agentEnvNames' : 'gatewayEnvNames';
    return [...w.env.keys()].filter((k) => !allowed.includes(k)).map((k) => `${w.where}: ${k} is not in ${schema}`);
  });
}

/** Values must pass the app's own schema; secrets are replaced by a sample. */
export function checkEnvValues(workloads: Workload[], facts: AppFacts): string[] {
  return workloads.filter(ours).flatMap((w) => {
    const input = Object.fromEntries([...w.env].filter(([, e]) => e.value !== undefined).map(([k, e]) => [k, e.value]));
    const parsed = (w.role === 'agent' ? facts.agentSchema : facts.gatewaySchema).safeParse(input);
    return (parsed.error?.issues ?? []).map((i) => `${w.where}: ${i.path.map(String).join('.')}: ${i.message}`);
  });
}

export function checkProductionSecrets(workloads: Workload[]): string[] {
  const problems: string[] = [];
  for (const w of workloads.filter((x) => x.role === 'gateway' || x.role === 'migrate')) {
    const needed = w.role === 'gateway' ? productionSecrets : [];
    if (w.role === 'gateway' && w.env.get('IVORYOS_ENV')?.value !== 'production') {
      problems.push(`${w.where}: IVORYOS_ENV must be production`);
    }
    for (const name of needed) {
      const entry = w.env.get(name);
      if (!entry) problems.push(`${w.where}: ${name} is not provided`);
      else if (!secretSources.has(entry.source)) {
        problems.push(`${w.where}: ${name} must come from a Secret or a required \${${name}:?...} variable, not ${entry.source}`);
      }
    }
    const db = databaseUrlNames.map((n) => w.env.get(n)).filter((e) => e !== undefined);
    if (db.length === 0) problems.push(`${w.where}: no database URL (${databaseUrlNames.join(' or ')})`);
    else if (!db.some((e) => secretSources.has(e.source))) {
      problems.push(`${w.where}: the database URL carries a password and must come from a Secret or a required variable`);
    }
  }
  return problems;
}

/** Committed Secrets hold placeholders only. */
export function checkSecretPlaceholders(files: { file: string; docs: unknown[] }[]): string[] {
  return files.flatMap(({ file, docs }) =>
    docs.map(rec).filter((d) => d['kind'] === 'Secret').flatMap((d) => {
      const values = { ...rec(d['data']), ...rec(d['stringData']) };
      if (isRecordEmpty(values)) return [`${file}: Secret has no keys`];
      return Object.entries(values)
        .filter(([, v]) => !String(v).includes('REPLACE_ME'))
        .map(([k]) => `${file}: ${k} must be a REPLACE_ME placeholder, never a real secret`);
    }),
  );
}

const isRecordEmpty = (r: Record<string, unknown>) => Object.keys(r).length === 0;

export function checkGatewayPort(workloads: Workload[], services: K8sService[], facts: AppFacts): string[] {
  const problems: string[] = [];
  const { port } = facts;
  for (const w of workloads.filter((x) => x.role === 'gateway')) {
    const envPort = w.env.get('PORT')?.value;
    if (envPort !== undefined && Number(envPort) !== port) problems.push(`${w.where}: PORT=${envPort}, the app's default is ${port}`);
    if (!w.ports.includes(port)) problems.push(`${w.where}: does not expose container port ${port} (has ${w.ports.join(', ') || 'none'})`);
    w.ports.filter((p) => p !== port).forEach((p) => problems.push(`${w.where}: exposes port ${p}, the gateway listens on ${port}`));
    const expected: Record<string, string> =
      w.platform === 'k8s'
        ? { readinessProbe: '/api/health/ready', livenessProbe: '/api/health/live' }
        : { healthcheck: '/api/health/ready' };
    for (const [what, path] of Object.entries(expected)) {
      if (!w.probes.some((p) => p.what === what && p.path === path)) problems.push(`${w.where}: needs a ${what} on ${path}`);
    }
    for (const p of w.probes) {
      if (p.port !== port) problems.push(`${w.where}: ${p.what} hits port ${p.port ?? 'unknown'}, not ${port}`);
      if (!p.path?.startsWith('/api/health/')) problems.push(`${w.where}: ${p.what} path ${p.path ?? '(none)'} is not a health route`);
    }
  }
  for (const w of workloads.filter((x) => x.role === 'agent')) {
    const url = w.env.get('IVORYOS_GATEWAY_URL')?.value;
    if (url !== undefined && Number(new URL(url).port || 80) !== port) {
      problems.push(`${w.where}: IVORYOS_GATEWAY_URL ${url} is not on port ${port}`);
    }
  }
  for (const s of services) {
    const pods = workloads.filter((w) => w.platform === 'k8s' && Object.entries(s.selector).every(([k, v]) => w.labels[k] === v));
    if (pods.length === 0) problems.push(`${s.where}: selector matches no workload`);
    if (!pods.some((w) => w.role === 'gateway')) continue;
    if (s.ports.length === 0) problems.push(`${s.where}: has no ports`);
    for (const p of s.ports) {
      const target = p.targetPort ?? p.port;
      const resolved = typeof target === 'string' ? pods.map((w) => w.namedPorts.get(target)).find((n) => n !== undefined) : target;
      if (p.port !== port) problems.push(`${s.where}: port ${p.port ?? '?'} should be ${port}`);
      if (resolved !== port) problems.push(`${s.where}: targetPort ${String(target)} resolves to ${resolved ?? 'nothing'}, not ${port}`);
    }
  }
  return problems;
}

export function checkImages(workloads: Workload[], kustomization: unknown, facts: AppFacts): string[] {
  const [name, tag] = facts.image.split(':');
  const allowed = [facts.image, ...(facts.imageVariants ?? []).map((v) => `${facts.image}-${v}`)];
  const problems = workloads
    .filter((w) => ours(w) || w.image?.split(':')[0] === name)
    .filter((w) => !allowed.includes(w.image ?? ''))
    .map((w) => `${w.where}: image ${w.image ?? '(none)'} should be ${facts.image}`);
  for (const i of list(rec(kustomization)['images']).map(rec).filter((x) => x['name'] === name)) {
    if (scalar(i['newTag']) !== tag) problems.push(`k8s/kustomization.yaml: images newTag ${String(i['newTag'])} should be ${tag}`);
  }
  return problems;
}

/**
 * `dist/X.js` must be built from `X.ts`; other path arguments (deck modules) must exist and be
 * copied into the runtime image.
 */
export function checkCommands(workloads: Workload[], root: string, dockerfile: Dockerfile): string[] {
  const problems: string[] = [];
  for (const w of workloads.filter(ours)) {
    if (w.command[0] !== 'node') problems.push(`${w.where}: command should start with node: ${w.command.join(' ')}`);
    for (const arg of w.command.slice(1).filter((a) => /^[\w.][\w./-]*\.(js|ts|mjs|cjs|py)$/.test(a))) {
      const built = /^dist\/(.+)\.js$/.exec(arg);
      const source = built ? `${built[1]}.ts` : arg;
      if (!existsSync(join(root, source))) problems.push(`${w.where}: ${arg} needs ${source}, which does not exist`);
      const top = arg.split('/')[0];
      if (!dockerfile.runtimeCopies.includes(top)) problems.push(`${w.where}: ${top}/ is not copied into the runtime image`);
      // Only the agent-python variant has an interpreter for the bridge.
      if (arg.endsWith('.py') && !w.image?.endsWith('-python')) problems.push(`${w.where}: the Python deck ${arg} needs the -python image, not ${w.image ?? '(none)'}`);
    }
  }
  return problems;
}

/** IVORYOS_DECK_NAME, else the deck file's stem, as the agent decides. */
function deckOf(w: Workload): string {
  const deckFile = w.command.find((a) => /\.(ts|js|py)$/.test(a) && !a.startsWith('dist/')) ?? '?';
  return w.env.get('IVORYOS_DECK_NAME')?.value || basename(deckFile).replace(/\.\w+$/, '');
}

/** One agent per deck, with its journal on storage that survives restarts. */
export function checkAgents(workloads: Workload[]): string[] {
  const problems: string[] = [];
  const agents = workloads.filter((w) => w.role === 'agent');
  for (const w of agents) {
    const dataDir = w.env.get('IVORYOS_DATA_DIR')?.value;
    if (!dataDir?.startsWith('/')) problems.push(`${w.where}: IVORYOS_DATA_DIR must be an absolute path on a volume`);
    else if (!w.persistentMounts.includes(dataDir)) problems.push(`${w.where}: IVORYOS_DATA_DIR ${dataDir} is not on a persistent volume`);
    if (w.platform === 'k8s') {
      if (w.kind !== 'StatefulSet') problems.push(`${w.where}: agents run as a StatefulSet, not a ${w.kind}`);
      if (w.replicas !== 1) problems.push(`${w.where}: replicas must be 1, found ${String(w.replicas)}`);
    } else {
      if (w.restart !== 'unless-stopped') problems.push(`${w.where}: restart should be unless-stopped`);
      if (!w.containerName) problems.push(`${w.where}: needs a container_name so it cannot be scaled past one`);
    }
  }
  for (const platform of ['compose', 'k8s'] as const) {
    const decks = agents.filter((w) => w.platform === platform).map(deckOf);
    decks.filter((d, i) => decks.indexOf(d) !== i).forEach((d) => problems.push(`${platform}: two agents for deck ${d}`));
  }
  return problems;
}

/** The gateway starts only on a reachable database and Redis, after migrations. */
export function checkComposeOrder(workloads: Workload[]): string[] {
  const migrate = workloads.find((w) => w.platform === 'compose' && w.role === 'migrate');
  const problems = migrate ? [] : ['docker-compose.yml: no migrate service'];
  for (const w of workloads.filter((x) => x.platform === 'compose' && x.role === 'gateway')) {
    const conditions = Object.values(w.dependsOn);
    if (conditions.filter((c) => c === 'service_healthy').length < 2) problems.push(`${w.where}: must wait for healthy PostgreSQL and Redis`);
    if (migrate && w.dependsOn[migrate.name] !== 'service_completed_successfully') {
      problems.push(`${w.where}: must wait for ${migrate.name} to complete`);
    }
  }
  return problems;
}

/**
 * `${VAR:-}` and `${VAR-}` (an empty default): podman-compose 1.0 leaves them in the value as
 * written, so a container got the literal text as its setting. A plain `${VAR}` means the same.
 */
export function checkEmptyDefaults(composeText: string): string[] {
  return [...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?-\}/g)].map(
    (m) => `docker-compose.yml: ${m[0]} has an empty default, which podman-compose 1.0 does not replace; write \${${m[1]}}`,
  );
}

export function checkRedisNoEviction(compose: unknown): string[] {
  const redis = Object.entries(rec(rec(compose)['services'])).filter(([, s]) => /^redis(:|$)/.test(scalar(rec(s)['image']) ?? ''));
  if (redis.length === 0) return ['docker-compose.yml: no Redis service'];
  return redis.flatMap(([name, s]) => {
    const raw = rec(s)['command'];
    const args = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/\s+/);
    const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
    const problems: string[] = [];
    const where = `docker-compose.yml services.${name}`;
    if (value('--maxmemory-policy') !== 'noeviction') problems.push(`${where}: needs --maxmemory-policy noeviction`);
    if (value('--appendonly') !== 'yes') problems.push(`${where}: needs --appendonly yes`);
    return problems;
  });
}

/** Every resource file in k8s/ is listed, and every listed file exists. */
export function checkKustomization(kustomization: unknown, filesInDir: string[]): string[] {
  const listed = list(rec(kustomization)['resources']).map(String);
  const present = filesInDir.filter((f) => f !== 'kustomization.yaml' && f !== 'kustomization.yml');
  return [
    ...present.filter((f) => !listed.includes(f)).map((f) => `k8s/kustomization.yaml: does not list ${f}`),
    ...listed.filter((f) => !present.includes(f)).map((f) => `k8s/kustomization.yaml: lists ${f}, which does not exist`),
  ];
}

/** Every setting appears as a `NAME=` line (commented out when it has no default). */
export function checkEnvExample(text: string, names: readonly string[]): string[] {
  return names.filter((n) => !new RegExp(`^#?\\s*${n}=`, 'm').test(text)).map((n) => `.env.example: ${n} is missing`);
}

export function checkDockerfile(df: Dockerfile, expectedBase: string, gatewayCmd: string[]): string[] {
  const stageNames = new Set(df.stages.map((s) => s.name));
  const problems = df.stages
    .filter((s) => s.from !== expectedBase && !stageNames.has(s.from))
    .map((s) => `Dockerfile: stage ${s.name ?? '?'} is FROM ${s.from}, expected ${expectedBase}`);
  if (df.stages.length < 2) problems.push('Dockerfile: expected a multi-stage build');
  const build = df.stages.slice(0, -1).flatMap((s) => s.lines).join('\n');
  for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) {
    if (!build.includes(step)) problems.push(`Dockerfile: build stages never run ${step}`);
  }
  if (!df.user || /^(root|0)(:|$)/.test(df.user)) {
    problems.push(`Dockerfile: runtime stage must set a non-root USER (found ${df.user ?? 'none'})`);
  }
  if (df.cmd.join(' ') !== gatewayCmd.join(' ')) problems.push(`Dockerfile: CMD ${df.cmd.join(' ')} should be ${gatewayCmd.join(' ')}`);
  return problems;
}

/** Keeps what must not reach the build context out, and nothing the build needs. */
export function checkDockerignore(text: string, required: string[], needed: string[]): string[] {
  const entries = text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, ''));
  return [
    ...required.filter((r) => !entries.includes(r)).map((r) => `.dockerignore: ${r} is missing`),
    ...needed.filter((n) => entries.includes(n)).map((n) => `.dockerignore: ${n} is needed by the build`),
  ];
}
