import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { Resource } from './kustomize';

/**
 * Validates manifests against the Kubernetes OpenAPI schemas that `kubernetes-models` ships
 * (compiled validators, no network). It checks types, required fields and enums; like the API
 * server without strict field validation it does not flag unknown fields, so the checks in
 * k8s-checks.ts look for the fields that matter by name.
 */

interface Model {
  validate(): void;
}
type Models = Record<string, unknown>;

/** The API groups our manifests use; an apiVersion missing here is reported, not skipped. */
const groups: Record<string, Models> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'policy/v1': policyV1,
  'autoscaling/v2': autoscalingV2,
};

export function schemaProblems(r: Resource, where: string): string[] {
  const apiVersion = String(r['apiVersion']);
  const kind = String(r['kind']);
  const group = groups[apiVersion];
  if (!group) return [`${where}: no schema for apiVersion ${apiVersion}`];
  const ctor = group[kind];
  if (typeof ctor !== 'function') return [`${where}: no schema for ${kind} in ${apiVersion}`];
  try {
    (new (ctor as new (data: unknown) => Model)(r)).validate();
    return [];
  } catch (err) {
    return [`${where}: ${err instanceof Error ? err.message : String(err)}`];
  }
}
