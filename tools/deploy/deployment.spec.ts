import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentEnvNames, agentEnvSchema } from '../../apps/deck-agent/src/config/env';
import { gatewayEnvNames, gatewayEnvSchema } from '../../apps/gateway/src/config/env';
import {
  type AppFacts,
  checkAgents,
  checkCommands,
  checkComposeOrder,
  checkDockerfile,
  checkDockerignore,
  checkEnvExample,
  checkEnvNames,
  checkEmptyDefaults,
  checkEnvValues,
  checkGatewayPort,
  checkImages,
  checkKustomization,
  checkProductionSecrets,
  checkRedisNoEviction,
  checkSecretPlaceholders,
} from './deploy-checks';
import { composeWorkloads, interpolate, k8sServices, k8sWorkloads, parseDockerfile, parseYaml, SAMPLE_SECRET } from './deploy-model';
import { checkAutoscaling, checkInstrumentHosts, checkMigrationOrder, checkProbeRoutes, checkResources, checkSchemas, memoryBytes } from './k8s-checks';
import { type Rendered, renderKustomization } from './kustomize';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const version = (JSON.parse(read('package.json')) as { version: string }).version;

const facts: AppFacts = {
  gatewayEnvNames,
  agentEnvNames,
  gatewaySchema: gatewayEnvSchema,
  agentSchema: agentEnvSchema,
  port: gatewayEnvSchema.shape.PORT.parse(undefined),
  image: `ivoryos-ts:${version}`,
  imageVariants: ['python'],
};
const gatewayCmd = ['node', 'dist/apps/gateway/src/main.js'];
const ourImage = (image: string) => image.startsWith('ivoryos-ts');
const k8sFilesOf = (files: Record<string, string>) =>
  Object.entries(files).map(([file, text]) => ({ file, docs: parseYaml(text, file) }));
/** A rendering grouped back by source file, the shape k8sWorkloads reads. */
const byFile = (r: Rendered) =>
  [...new Set(r.sources)].map((file) => ({ file, docs: r.resources.filter((_, i) => r.sources[i] === file) }));
/**
 * Peak RSS measured for each long-running role by bench/memory.ts (docs/operations.md, "Sizing"):
 * a gateway serving 3 runs of 1000 steps with 10 live views each, the agent running them.
 */
const measuredMiB = { gateway: 268, agent: 125 };
const routes = Object.keys((JSON.parse(read('apps/gateway/openapi.json')) as { paths: Record<string, unknown> }).paths);
const dockerfile = parseDockerfile(read('Dockerfile'));

describe('deployment files', () => {
  const compose = parseYaml(read('docker-compose.yml'), 'docker-compose.yml')[0];
  const base = renderKustomization(join(root, 'k8s', 'base'), root);
  const resources = byFile(base);
  const kustomization = parseYaml(read('k8s/base/kustomization.yaml'), 'k8s/base/kustomization.yaml')[0];
  const workloads = [...composeWorkloads(compose, dockerfile.cmd, ourImage), ...k8sWorkloads(resources, dockerfile.cmd)];
  const services = k8sServices(resources);

  it('finds every role on both platforms, so the checks below are not vacuous', () => {
    const roles = (platform: string) => workloads.filter((w) => w.platform === platform).map((w) => w.role).sort();
    expect(roles('compose')).toEqual(['agent', 'agent', 'gateway', 'migrate', 'other', 'other', 'other']);
    expect(roles('k8s')).toEqual(['agent', 'gateway', 'migrate', 'migrate']);
    expect(facts.port).toBe(8000);
    expect(workloads.flatMap((w) => w.problems)).toEqual([]);
  });

  it('builds one non-root image whose default command is the gateway', () => {
    expect(checkDockerfile(dockerfile, 'node:20-bookworm-slim', gatewayCmd)).toEqual([]);
    const required = ['node_modules', 'dist', 'ivoryos_data', '.git', 'coverage', '.env'];
    const needed = ['package.json', 'package-lock.json', 'apps', 'libs', 'tools', 'examples', 'tsconfig.base.json', '.swcrc'];
    expect(checkDockerignore(read('.dockerignore'), required, needed)).toEqual([]);
  });

  it('sets only settings the apps define, with values their schemas accept', () => {
    expect(checkEnvNames(workloads, facts)).toEqual([]);
    expect(checkEnvValues(workloads, facts)).toEqual([]);
  });

  it('provides every secret the gateway needs in production, from secrets only', () => {
    expect(checkProductionSecrets(workloads)).toEqual([]);
    expect(checkSecretPlaceholders(resources)).toEqual([]);
  });

  it('keeps committed placeholder secrets unacceptable to the gateway in production', () => {
    const secret = base.resources.find((d) => d['kind'] === 'Secret') as { stringData?: Record<string, string> } | undefined;
    expect(secret?.stringData).toBeDefined();
    const parsed = gatewayEnvSchema.safeParse({ ...secret?.stringData, IVORYOS_ENV: 'production' });
    expect(parsed.success).toBe(false);
  });

  it('uses the gateway port everywhere: ports, probes on real routes, Service, agent URL', () => {
    expect(checkGatewayPort(workloads, services, facts)).toEqual([]);
    expect(routes).toEqual(expect.arrayContaining(['/api/health/live', '/api/health/ready']));
    expect(checkProbeRoutes(workloads, routes)).toEqual([]);
  });

  it('runs the same image tagged with the package version everywhere', () => {
    expect(checkImages(workloads, kustomization, facts)).toEqual([]);
  });

  it('runs files the build produces and the image contains', () => {
    expect(checkCommands(workloads, root, dockerfile)).toEqual([]);
  });

  it('runs one agent per deck with its journal on a persistent volume', () => {
    expect(checkAgents(workloads)).toEqual([]);
  });

  it('orders compose start-up and keeps Redis from evicting queue data', () => {
    expect(checkComposeOrder(workloads)).toEqual([]);
    expect(checkRedisNoEviction(compose)).toEqual([]);
  });

  it('writes compose variables podman-compose 1.0 replaces too', () => {
    expect(checkEmptyDefaults(read('docker-compose.yml'))).toEqual([]);
    expect(checkEmptyDefaults('A: ${X:-}\nB: ${Y-}\nC: ${Z:-8000}')).toHaveLength(2);
  });

  it('lists every k8s base file in the kustomization and nothing else', () => {
    expect(checkKustomization(kustomization, readdirSync(join(root, 'k8s', 'base')).sort())).toEqual([]);
  });

  it('documents every setting of both apps in .env.example', () => {
    expect(checkEnvExample(read('.env.example'), [...gatewayEnvNames, ...agentEnvNames])).toEqual([]);
  });
});

describe('kubernetes manifests, base and every overlay, as kustomize renders them', () => {
  const overlays = readdirSync(join(root, 'k8s', 'overlays')).sort();
  const renderings: [string, Rendered][] = [
    ['k8s/base', renderKustomization(join(root, 'k8s', 'base'), root)],
    ...overlays.map((o): [string, Rendered] => [`k8s/overlays/${o}`, renderKustomization(join(root, 'k8s', 'overlays', o), root)]),
  ];

  it('has the overlay for a lab with several agents on instrument hosts', () => {
    expect(overlays).toContain('multi-agent-lab');
  });

  describe.each(renderings)('%s', (dir, rendered) => {
    const kustomization = parseYaml(read(`${dir}/kustomization.yaml`), dir)[0] as { images?: { newName?: string }[] };
    const imageName = kustomization.images?.find((i) => i.newName)?.newName ?? 'ivoryos-ts';
    const image = `${imageName}:${version}`;
    const workloads = k8sWorkloads(byFile(rendered), dockerfile.cmd);

    it('validates every resource against the Kubernetes schemas', () => {
      expect(rendered.resources.length).toBeGreaterThan(5);
      expect(checkSchemas(rendered)).toEqual([]);
    });

    it('passes the deployment checks', () => {
      expect(workloads.flatMap((w) => w.problems)).toEqual([]);
      expect(checkEnvNames(workloads, facts)).toEqual([]);
      expect(checkEnvValues(workloads, facts)).toEqual([]);
      expect(checkProductionSecrets(workloads)).toEqual([]);
      expect(checkGatewayPort(workloads, k8sServices(byFile(rendered)), facts)).toEqual([]);
      expect(checkProbeRoutes(workloads, routes)).toEqual([]);
      expect(checkImages(workloads, kustomization, { ...facts, image })).toEqual([]);
      expect(checkCommands(workloads, root, dockerfile)).toEqual([]);
      expect(checkAgents(workloads)).toEqual([]);
    });

    it('sizes containers from the measured RSS, migrates before rolling, autoscales with a disruption budget', () => {
      expect(checkResources(rendered, measuredMiB)).toEqual([]);
      expect(checkMigrationOrder(rendered, version, image)).toEqual([]);
      expect(checkAutoscaling(rendered)).toEqual([]);
    });

    if (dir.includes('multi-agent-lab')) {
      it('places each agent on its own instrument host and keeps gateways off them', () => {
        expect(workloads.filter((w) => w.role === 'agent').map((w) => w.name)).toEqual(['agent-synthesis', 'agent-hplc']);
        expect(checkInstrumentHosts(rendered, 'ivoryos.io/instrument-host')).toEqual([]);
      });
    }
  });
});

describe('deployment checks on broken files', () => {
  const has = (problems: string[], ...parts: string[]) =>
    expect(problems).toEqual(expect.arrayContaining(parts.map((p) => expect.stringContaining(p))));

  const brokenCompose = parseYaml(
    `
services:
  redis:
    image: redis:7
    command: redis-server --maxmemory-policy allkeys-lru
  gateway:
    image: ivoryos-ts:latest
    command: node dist/apps/gateway/src/main.js
    environment:
      IVORYOS_ENV: development
      PORT: "8080"
      IVORYOS_PORT: "8000"
      IVORYOS_JWT_SECRET: not-a-secret-but-long
      IVORYOS_INGEST: maybe
    ports: ["8080:8080"]
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:8080/health')"]
  agent-a:
    image: ivoryos-ts:${version}
    command: ["node", "dist/apps/deck-agent/src/cli.js", "examples/decks/missing_deck.ts"]
    environment:
      IVORYOS_DECK_NAME: lab
      IVORYOS_GATEWAY_URL: http://gateway:3000
      IVORYOS_DATA_DIR: ivoryos_data
      PORT: "1"
  agent-b:
    image: ivoryos-ts:${version}
    command: ["node", "dist/apps/deck-agent/src/cli.js", "examples/decks/missing_deck.ts"]
    environment:
      IVORYOS_DECK_NAME: lab
    restart: always
`,
    'broken compose',
  )[0];
  const dockerfile = parseDockerfile(
    ['FROM node:22 AS build', 'RUN npm install', 'FROM node:22', 'USER root', 'COPY --from=build /app/dist ./dist', 'CMD ["node", "dist/main.js"]'].join('\n'),
  );
  const workloads = composeWorkloads(brokenCompose, dockerfile.cmd, ourImage);

  it('reports unknown settings, invalid values and missing or inline secrets', () => {
    has(
      checkEnvNames(workloads, facts),
      'services.gateway: IVORYOS_PORT is not in gatewayEnvNames',
      'services.agent-a: PORT is not in agentEnvNames',
    );
    has(checkEnvValues(workloads, facts), 'services.gateway: IVORYOS_INGEST');
    has(
      checkProductionSecrets(workloads),
      'IVORYOS_ENV must be production',
      'IVORYOS_ADMIN_PASSWORD is not provided',
      'IVORYOS_JWT_SECRET must come from a Secret',
      'no database URL',
    );
  });

  it('reports wrong ports, probes, images, commands, agents and Redis policy', () => {
    has(
      checkGatewayPort(workloads, [], facts),
      'PORT=8080',
      'does not expose container port 8000',
      'healthcheck hits port 8080',
      'IVORYOS_GATEWAY_URL http://gateway:3000',
    );
    has(checkImages(workloads, { images: [{ name: 'ivoryos-ts', newTag: 'latest' }] }, facts), 'image ivoryos-ts:latest', 'newTag latest');
    has(checkCommands(workloads, root, dockerfile), 'examples/decks/missing_deck.ts needs', 'examples/ is not copied');
    has(checkAgents(workloads), 'must be an absolute path', 'restart should be unless-stopped', 'two agents for deck lab');
    has(checkComposeOrder(workloads), 'no migrate service');
    has(checkRedisNoEviction(brokenCompose), 'needs --maxmemory-policy noeviction', 'needs --appendonly yes');
    has(
      checkDockerfile(dockerfile, 'node:20-bookworm-slim', gatewayCmd),
      'is FROM node:22',
      'never run npm ci',
      'non-root USER',
      'CMD node dist/main.js',
    );
    has(checkDockerignore('dist\nexamples\n', ['node_modules', '.git'], ['examples']), 'node_modules is missing', 'examples is needed');
  });

  it('reports k8s agents that can run twice, dangling references, real secrets and bad Services', () => {
    const files = k8sFilesOf({
      'k8s/agent.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: agent }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers:
        - name: agent
          image: ivoryos-ts:${version}
          command: ["node", "dist/apps/deck-agent/src/cli.js", "deck.ts"]
          envFrom: [{ configMapRef: { name: missing-config } }]
          env: [{ name: IVORYOS_DATA_DIR, value: /data }]
`,
      'k8s/gateway.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: gateway }
spec:
  template:
    metadata: { labels: { app: gateway } }
    spec:
      containers:
        - name: gateway
          image: ivoryos-ts:${version}
          ports: [{ name: http, containerPort: 8000 }]
          envFrom: [{ secretRef: { name: secrets } }]
          readinessProbe: { httpGet: { path: /api/health/ready, port: 9000 } }
---
apiVersion: v1
kind: Service
metadata: { name: gateway }
spec:
  selector: { app: gateway }
  ports: [{ port: 80, targetPort: web }]
---
apiVersion: v1
kind: Secret
metadata: { name: secrets }
stringData: { IVORYOS_JWT_SECRET: a-real-secret-that-leaked }
`,
    });
    const k8s = k8sWorkloads(files, gatewayCmd);
    expect(k8s.map((w) => w.role)).toEqual(['agent', 'gateway']);
    has(k8s[0].problems, 'refers to missing ConfigMap missing-config');
    has(checkAgents(k8s), 'run as a StatefulSet, not a Deployment', 'replicas must be 1, found 2', '/data is not on a persistent volume');
    has(checkSecretPlaceholders(files), 'IVORYOS_JWT_SECRET must be a REPLACE_ME placeholder');
    has(
      checkGatewayPort(k8s, k8sServices(files), facts),
      'readinessProbe hits port 9000',
      'needs a livenessProbe on /api/health/live',
      'port 80 should be 8000',
      'targetPort web resolves to nothing',
    );
    const kustomization = { resources: ['agent.yaml', 'gone.yaml'] };
    has(checkKustomization(kustomization, ['agent.yaml', 'gateway.yaml', 'kustomization.yaml']), 'does not list gateway.yaml', 'lists gone.yaml');
    has(checkEnvExample('PORT=8000\n# IVORYOS_DB_URI=\n', ['PORT', 'IVORYOS_DB_URI', 'REDIS_URL']), 'REDIS_URL is missing');
  });

  it('interpolates compose variables the way compose does', () => {
    expect(interpolate('${LOG_LEVEL:-info}')).toEqual({ value: 'info', required: [], optional: ['LOG_LEVEL'] });
    expect(interpolate('pg://u:${PW:?set it}@db/x')).toEqual({ value: `pg://u:${SAMPLE_SECRET}@db/x`, required: ['PW'], optional: [] });
    expect(interpolate('$${NOT_A_VAR}').value).toBe('${NOT_A_VAR}');
  });
});

describe('kubernetes checks on broken manifests', () => {
  const has = (problems: string[], ...parts: string[]) =>
    expect(problems).toEqual(expect.arrayContaining(parts.map((p) => expect.stringContaining(p))));
  const rendered = (yaml: string): Rendered => {
    const resources = parseYaml(yaml, 'broken.yaml') as Record<string, unknown>[];
    return { resources, sources: resources.map(() => 'broken.yaml') };
  };
  const broken = rendered(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: gw }
spec:
  replicas: two
  selector: { matchLabels: { app: gw } }
  template:
    metadata: { labels: { app: gw } }
    spec:
      nodeSelector: { ivoryos.io/instrument-host: hplc }
      containers:
        - name: gateway
          image: ivoryos-ts:0.0.1
          command: ["node", "dist/apps/gateway/src/main.js"]
          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: "1", memory: 80Mi } }
        - image: nameless
---
apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: m, image: ivoryos-ts:${version}, command: ["node", "dist/libs/db/src/cli/migrate.js", "up"] }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: gw }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: gw }
  minReplicas: 1
  maxReplicas: 3
  metrics: [{ type: Resource, resource: { name: memory, target: { type: Utilization, averageUtilization: 80 } } }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: gw }
spec: { minAvailable: 1, selector: { matchLabels: { app: gw } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: agent-a }
spec:
  serviceName: a
  selector: { matchLabels: { app: a } }
  template:
    metadata: { labels: { app: a } }
    spec:
      nodeSelector: { ivoryos.io/instrument-host: hplc }
      containers: [{ name: agent, image: x, command: ["node", "dist/apps/deck-agent/src/cli.js", "d.ts"] }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: agent-b }
spec:
  serviceName: b
  selector: { matchLabels: { app: b } }
  template:
    metadata: { labels: { app: b } }
    spec:
      nodeSelector: { ivoryos.io/instrument-host: hplc }
      tolerations: [{ key: ivoryos.io/instrument-host, operator: Exists }]
      containers: [{ name: agent, image: x, command: ["node", "dist/apps/deck-agent/src/cli.js", "d.ts"] }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
`);

  it('reports schema violations and resources it has no schema for', () => {
    has(checkSchemas(broken), 'Deployment/gw: data/spec/replicas must be integer', 'containers/1 must have required property name', 'no schema for apiVersion networking.k8s.io/v1');
  });

  it('reports missing or undersized resources and CPU limits', () => {
    has(
      checkResources(broken, { gateway: 100 }),
      'container gateway: has a CPU limit',
      'memory request 64Mi is below the measured 100 MiB',
      'memory limit 80Mi leaves less than 50 %',
      'container agent: no CPU request',
      'container agent: needs a memory request and limit',
    );
  });

  it('reports a migration Job not tied to the release and gateways that do not wait for it', () => {
    has(
      checkMigrationOrder(broken, version, `ivoryos-ts:${version}`),
      'Job/migrate: name must end with the release',
      'Deployment/gw: no init container waiting for migrations',
    );
  });

  it('reports autoscaling that drains to zero, lacks CPU or blocks node drains', () => {
    has(checkAutoscaling(broken), 'minReplicas 1 leaves nothing serving', 'no CPU metric', 'minAvailable must stay below');
  });

  it('reports agents sharing or not tolerating an instrument host and gateways allowed onto one', () => {
    has(
      checkInstrumentHosts(broken, 'ivoryos.io/instrument-host'),
      'StatefulSet/agent-a: does not tolerate the taint of its host hplc',
      'StatefulSet/agent-b: shares instrument host hplc with StatefulSet/agent-a',
      'Deployment/gw: may be scheduled onto an instrument host',
    );
  });

  it('reads memory quantities in binary and decimal units', () => {
    expect([memoryBytes('512Mi'), memoryBytes('1G'), memoryBytes('1.5Gi'), memoryBytes('100')]).toEqual([512 * 2 ** 20, 1e9, 1.5 * 2 ** 30, 100]);
    expect(memoryBytes('lots')).toBeNaN();
  });
});
