import type { TypeDescriptor } from '@ivoryos/contracts';
import { typeHint } from './schema-form';

/** A parameter's type in words for a column header ("number"); "any value" when the workflow does not say. */
export function describeTypeText(type: TypeDescriptor | null | undefined): string {
  return typeHint({ type: type ?? '', required: true });
}
