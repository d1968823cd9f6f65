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
  checkEnvValues,
  checkGatewayPort,
  checkImages,
  checkKustomization,
  checkProductionSecrets,
  checkRedisNoEviction,
  checkSecretPlaceholders,
} from './deploy-checks';
import { composeWorkloads, interpolate, k8sServices, k8sWorkloads, parseDockerfile, parseYaml, SAMPLE_SECRET } from './deploy-model';

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
};
const gatewayCmd = ['node', 'dist/apps/gateway/src/main.js'];
const ourImage = (image: string) => image.startsWith('ivoryos-ts');
const k8sFilesOf = (files: Record<string, string>) =>
  Object.entries(files).map(([file, text]) => ({ file, docs: parseYaml(text, file) }));

describe('deployment files', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const compose = parseYaml(read('docker-compose.yml'), 'docker-compose.yml')[0];
  const k8sNames = readdirSync(join(root, 'k8s')).sort();
  const k8sFiles = k8sFilesOf(Object.fromEntries(k8sNames.map((f) => [`k8s/${f}`, read(`k8s/${f}`)])));
  const kustomization = k8sFiles.find((f) => f.file === 'k8s/kustomization.yaml')?.docs[0];
  const resources = k8sFiles.filter((f) => f.file !== 'k8s/kustomization.yaml');
  const workloads = [...composeWorkloads(compose, dockerfile.cmd, ourImage), ...k8sWorkloads(resources, dockerfile.cmd)];
  const services = k8sServices(resources);

  it('finds every role on both platforms, so the checks below are not vacuous', () => {
    const roles = (platform: string) => workloads.filter((w) => w.platform === platform).map((w) => w.role).sort();
    expect(roles('compose')).toEqual(['agent', 'gateway', 'migrate', 'other', 'other']);
    expect(roles('k8s')).toEqual(['agent', 'gateway', 'migrate']);
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
    const docs = resources.flatMap((f) => f.docs) as { kind?: string; stringData?: Record<string, string> }[];
    const secret = docs.find((d) => d.kind === 'Secret');
    expect(secret?.stringData).toBeDefined();
    const parsed = gatewayEnvSchema.safeParse({ ...secret?.stringData, IVORYOS_ENV: 'production' });
    expect(parsed.success).toBe(false);
  });

  it('uses the gateway port everywhere: ports, probes, Service, agent URL', () => {
    expect(checkGatewayPort(workloads, services, facts)).toEqual([]);
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

  it('lists every k8s file in the kustomization and nothing else', () => {
    expect(checkKustomization(kustomization, k8sNames)).toEqual([]);
  });

  it('documents every setting of both apps in .env.example', () => {
    expect(checkEnvExample(read('.env.example'), [...gatewayEnvNames, ...agentEnvNames])).toEqual([]);
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
