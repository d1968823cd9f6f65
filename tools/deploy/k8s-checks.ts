import type { Role, Workload } from './deploy-model';
import { list, rec, roleOf, scalar } from './deploy-model';
import { schemaProblems } from './k8s-schema';
import type { Rendered, Resource } from './kustomize';
import { idOf } from './kustomize';

/** Checks on a rendered kustomization (base or overlay); each returns readable problem lines. */

const where = (r: Rendered, i: number) => `${r.sources[i]} ${idOf(r.resources[i])}`;
const named = (r: Rendered, kind: string) => r.resources.filter((x) => x['kind'] === kind);
const nameOf = (x: Resource) => scalar(rec(x['metadata'])['name']) ?? '';
const podSpec = (x: Resource) => rec(rec(rec(x['spec'])['template'])['spec']);
const containersOf = (x: Resource) => [...list(podSpec(x)['initContainers']), ...list(podSpec(x)['containers'])].map(rec);
const joined = (c: Record<string, unknown>) => [...list(c['command']), ...list(c['args'])].map(String).join(' ');

export function checkSchemas(r: Rendered): string[] {
  return r.resources.flatMap((x, i) => schemaProblems(x, where(r, i)));
}

/** Bytes of a Kubernetes memory quantity (`512Mi`, `1G`, `134217728`). */
export function memoryBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return NaN;
  const unit: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

/**
 * Every container states CPU and memory requests and a memory limit; the long-running roles'
 * requests cover the RSS measured for them (docs/operations.md) and their limits leave headroom.
 * No CPU limits: throttling stalls the event loop (and with it probes and heartbeats).
 */
export function checkResources(r: Rendered, measuredMiB: Partial<Record<Role, number>>): string[] {
  const problems: string[] = [];
  r.resources.forEach((x, i) => {
    for (const c of containersOf(x)) {
      const at = `${where(r, i)} container ${scalar(c['name']) ?? '?'}`;
      const res = rec(c['resources']);
      const requests = rec(res['requests']);
      const limits = rec(res['limits']);
      if (scalar(requests['cpu']) === undefined) problems.push(`${at}: no CPU request`);
      if (limits['cpu'] !== undefined) problems.push(`${at}: has a CPU limit (throttling stalls the event loop)`);
      const request = memoryBytes(scalar(requests['memory']) ?? '');
      const limit = memoryBytes(scalar(limits['memory']) ?? '');
      if (Number.isNaN(request) || Number.isNaN(limit)) {
        problems.push(`${at}: needs a memory request and limit`);
        continue;
      }
      if (limit < request) problems.push(`${at}: memory limit below its request`);
      const isInit = list(podSpec(x)['initContainers']).includes(c);
      const measured = isInit ? undefined : measuredMiB[roleOf(joined(c).split(' '))];
      if (measured === undefined) continue;
      if (request < measured * 2 ** 20) problems.push(`${at}: memory request ${String(requests['memory'])} is below the measured ${measured} MiB`);
      if (limit < 1.5 * measured * 2 ** 20) problems.push(`${at}: memory limit ${String(limits['memory'])} leaves less than 50 % above the measured ${measured} MiB`);
    }
  });
  return problems;
}

/** Probes hit routes the gateway really serves (its committed OpenAPI document). */
export function checkProbeRoutes(workloads: Workload[], routes: string[]): string[] {
  return workloads.flatMap((w) =>
    w.probes.filter((p) => p.path !== undefined && !routes.includes(p.path)).map((p) => `${w.where}: ${p.what} path ${p.path ?? ''} is not a gateway route`),
  );
}

/**
 * The schema changes before new code serves: the release's migration Job (named after the
 * release) runs `migrate up`, and each gateway pod waits for it in an init container.
 */
export function checkMigrationOrder(r: Rendered, version: string, image: string): string[] {
  const problems: string[] = [];
  const jobs = named(r, 'Job').filter((j) => containersOf(j).some((c) => joined(c).endsWith('migrate.js up')));
  if (jobs.length !== 1) problems.push(`expected one migration Job, found ${jobs.length}`);
  for (const job of jobs) {
    if (!nameOf(job).endsWith(`-${version}`)) problems.push(`Job/${nameOf(job)}: name must end with the release -${version}`);
    for (const c of containersOf(job)) if (c['image'] !== image) problems.push(`Job/${nameOf(job)}: image ${String(c['image'])} is not ${image}`);
  }
  const gateways = named(r, 'Deployment').filter((d) => list(podSpec(d)['containers']).map(rec).some((c) => joined(c).includes('dist/apps/gateway/')));
  if (gateways.length === 0) problems.push('no gateway Deployment');
  for (const d of gateways) {
    const wait = list(podSpec(d)['initContainers']).map(rec).find((c) => /migrate\.js wait\b/.test(joined(c)));
    if (!wait) problems.push(`Deployment/${nameOf(d)}: no init container waiting for migrations (migrate.js wait)`);
    else if (wait['image'] !== image) problems.push(`Deployment/${nameOf(d)}: init container image ${String(wait['image'])} is not ${image}`);
  }
  return problems;
}

const selects = (selector: unknown, labels: Record<string, unknown>) => {
  const match = rec(rec(selector)['matchLabels']);
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
};

/** The HPA scales the gateway Deployment on CPU (which needs CPU requests); the PDB keeps one up. */
export function checkAutoscaling(r: Rendered): string[] {
  const problems: string[] = [];
  const deployments = named(r, 'Deployment');
  const hpas = named(r, 'HorizontalPodAutoscaler');
  if (hpas.length === 0) problems.push('no HorizontalPodAutoscaler');
  for (const h of hpas) {
    const spec = rec(h['spec']);
    const ref = rec(spec['scaleTargetRef']);
    const target = deployments.find((d) => ref['kind'] === 'Deployment' && nameOf(d) === ref['name']);
    if (!target) {
      problems.push(`HorizontalPodAutoscaler/${nameOf(h)}: scales ${String(ref['kind'])}/${String(ref['name'])}, which does not exist`);
      continue;
    }
    const min = Number(spec['minReplicas'] ?? 1);
    if (min < 2) problems.push(`HorizontalPodAutoscaler/${nameOf(h)}: minReplicas ${min} leaves nothing serving while one pod drains`);
    if (Number(spec['maxReplicas']) < min) problems.push(`HorizontalPodAutoscaler/${nameOf(h)}: maxReplicas below minReplicas`);
    const cpu = list(spec['metrics']).map(rec).some((m) => m['type'] === 'Resource' && rec(m['resource'])['name'] === 'cpu');
    if (!cpu) problems.push(`HorizontalPodAutoscaler/${nameOf(h)}: no CPU metric`);
    const pdb = named(r, 'PodDisruptionBudget').find((p) => selects(rec(p['spec'])['selector'], rec(rec(rec(rec(target['spec'])['template'])['metadata'])['labels'])));
    if (!pdb) problems.push(`Deployment/${nameOf(target)}: no PodDisruptionBudget selects its pods`);
    else if (Number(rec(pdb['spec'])['minAvailable'] ?? 0) >= min) {
      problems.push(`PodDisruptionBudget/${nameOf(pdb)}: minAvailable must stay below the HPA's minReplicas ${min}, or no node can drain`);
    }
  }
  return problems;
}

/**
 * Lab overlays: each agent runs only on its own instrument host (selected and tolerated),
 * no two agents share one, and gateways keep off instrument hosts.
 */
export function checkInstrumentHosts(r: Rendered, label: string): string[] {
  const problems: string[] = [];
  const hosts = new Map<string, string>();
  for (const s of named(r, 'StatefulSet').filter((x) => containersOf(x).some((c) => joined(c).includes('dist/apps/deck-agent/')))) {
    const spec = podSpec(s);
    const host = scalar(rec(spec['nodeSelector'])[label]);
    if (!host) {
      problems.push(`StatefulSet/${nameOf(s)}: no nodeSelector ${label}`);
      continue;
    }
    const tolerated = list(spec['tolerations']).map(rec).some((t) => t['key'] === label && (t['operator'] === 'Exists' || t['value'] === host));
    if (!tolerated) problems.push(`StatefulSet/${nameOf(s)}: does not tolerate the taint of its host ${host}`);
    const other = hosts.get(host);
    if (other) problems.push(`StatefulSet/${nameOf(s)}: shares instrument host ${host} with ${other}`);
    hosts.set(host, `StatefulSet/${nameOf(s)}`);
  }
  if (hosts.size === 0) problems.push('no agent is placed on an instrument host');
  for (const d of named(r, 'Deployment')) {
    const terms = list(rec(rec(rec(podSpec(d)['affinity'])['nodeAffinity'])['requiredDuringSchedulingIgnoredDuringExecution'])['nodeSelectorTerms']);
    const avoids = terms.length > 0 && terms.map(rec).every((t) => list(t['matchExpressions']).map(rec).some((e) => e['key'] === label && e['operator'] === 'DoesNotExist'));
    if (!avoids) problems.push(`Deployment/${nameOf(d)}: may be scheduled onto an instrument host (needs ${label} DoesNotExist)`);
  }
  return problems;
}
