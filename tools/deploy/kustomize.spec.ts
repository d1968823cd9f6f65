import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyJsonPatch, idOf, renderKustomization, strategicMerge } from './kustomize';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kustomize-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

interface Container {
  image: string;
  env?: unknown[];
  ports?: unknown[];
}
interface Manifest {
  metadata: { namespace?: string };
  spec?: { template: { spec: { nodeSelector?: unknown; containers: Container[]; initContainers: Container[] } } };
}

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  template:
    spec:
      initContainers: [{ name: init, image: "app:1.0" }]
      containers:
        - name: web
          image: app:1.0
          env: [{ name: A, value: "1" }, { name: B, value: "2" }]
          ports: [{ containerPort: 80 }]
        - { name: sidecar, image: "other/app:1.0" }
`;

describe('renderKustomization', () => {
  it('renders a base through an overlay: directories, patches, namespace, labels, images', () => {
    const root = tree({
      'base/kustomization.yaml': 'resources: [web.yaml, svc.yaml]\nlabels: [{ pairs: { part: x } }]\n',
      'base/web.yaml': deployment,
      'base/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: gone }\n',
      'overlay/kustomization.yaml': `
namespace: lab
resources: [../base, ns.yaml]
patches:
  - path: drop.yaml
  - target: { kind: Deployment, name: we. }
    patch: |-
      - { op: add, path: /spec/template/spec/nodeSelector, value: { host: a } }
      - { op: replace, path: /spec/template/spec/containers/0/env/1/value, value: "3" }
  - patch: |-
      kind: Deployment
      metadata: { name: web }
      spec:
        template:
          spec:
            containers:
              - name: web
                env: [{ name: C, value: "4" }, { name: A, $patch: delete }]
images: [{ name: app, newName: reg/app, newTag: "2.0" }]
`,
      'overlay/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: lab }\n',
      'overlay/drop.yaml': '$patch: delete\nkind: Service\nmetadata: { name: gone }\n',
    });
    const out = renderKustomization(join(root, 'overlay'), root);
    expect(out.resources.map(idOf)).toEqual(['Deployment/web', 'Service/web', 'Namespace/lab']);
    expect(out.sources).toEqual(['base/web.yaml', 'base/svc.yaml', 'overlay/ns.yaml']);
    const [web, svc, ns] = out.resources as unknown as Manifest[];
    expect(web.metadata).toEqual({ name: 'web', namespace: 'lab', labels: { app: 'web', part: 'x' } });
    expect(svc.metadata.namespace).toBe('lab');
    expect(ns.metadata.namespace).toBeUndefined();
    const pod = web.spec?.template.spec;
    expect(pod?.nodeSelector).toEqual({ host: 'a' });
    expect(pod?.containers[0].env).toEqual([{ name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(pod?.containers[0].ports).toEqual([{ containerPort: 80 }]);
    expect(pod?.containers.map((c) => c.image)).toEqual(['reg/app:2.0', 'other/app:1.0']);
    expect(pod?.initContainers[0].image).toBe('reg/app:2.0');
  });

  it('refuses fields it does not render and patches that match nothing', () => {
    expect(() => renderKustomization(tree({ 'kustomization.yaml': 'namePrefix: x-\n' }))).toThrow(/unsupported fields namePrefix/);
    const noTarget = tree({
      'kustomization.yaml': 'resources: [w.yaml]\npatches: [{ target: { kind: Job }, patch: "- { op: remove, path: /spec }" }]\n',
      'w.yaml': deployment,
    });
    expect(() => renderKustomization(noTarget)).toThrow(/matches nothing/);
    const noResource = tree({
      'kustomization.yaml': 'resources: [w.yaml]\npatches: [{ patch: "kind: Deployment\\nmetadata: { name: nope }" }]\n',
      'w.yaml': deployment,
    });
    expect(() => renderKustomization(noResource)).toThrow(/Deployment\/nope matches nothing/);
    expect(() => renderKustomization(tree({ 'x.yaml': '' }))).toThrow(/no kustomization.yaml/);
  });
});

describe('strategicMerge', () => {
  it('merges maps, merges keyed lists by their key, replaces other lists, deletes on null', () => {
    const base = { a: { b: 1, c: 2 }, volumes: [{ name: 'v', x: 1 }], args: ['1', '2'], gone: 1 };
    const patch = { a: { c: 3 }, volumes: [{ name: 'v', y: 2 }, { name: 'w' }], args: ['3'], gone: null };
    expect(strategicMerge(base, patch)).toEqual({
      a: { b: 1, c: 3 },
      volumes: [{ name: 'v', x: 1, y: 2 }, { name: 'w' }],
      args: ['3'],
    });
  });

  it('replaces a map marked $patch: replace', () => {
    expect(strategicMerge({ a: { b: 1 } }, { a: { $patch: 'replace', c: 2 } })).toEqual({ a: { c: 2 } });
  });
});

describe('applyJsonPatch', () => {
  it('adds, appends, replaces, removes and tests', () => {
    const doc: Record<string, unknown> = { list: [1, 2], 'a/b': { '~k': 1 } };
    applyJsonPatch(doc, [
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'replace', path: '/a~1b/~0k', value: 2 },
      { op: 'remove', path: '/list/1' },
      { op: 'test', path: '/list', value: [0, 2, 3] },
    ]);
    expect(doc).toEqual({ list: [0, 2, 3], 'a/b': { '~k': 2 } });
  });

  it('fails on paths that do not exist and on failed tests', () => {
    expect(() => applyJsonPatch({ a: {} }, [{ op: 'replace', path: '/a/b', value: 1 }])).toThrow(/b does not exist/);
    expect(() => applyJsonPatch({ a: {} }, [{ op: 'add', path: '/x/y', value: 1 }])).toThrow(/x does not exist/);
    expect(() => applyJsonPatch({ l: [1] }, [{ op: 'remove', path: '/l/1' }])).toThrow(/out of range/);
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(/test \/a failed/);
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'move', path: '/a' }])).toThrow(/unsupported op move/);
  });
});
