import type { JsonValue, WorkflowAction } from '@ivoryos/contracts';
import { sanitizeForJson } from './sanitize';
import { returnSlots } from './step-fields';

/**
 * IvoryOS's `store_return_value`: a scalar `return` saves the whole (sanitised) result; a tuple `return`
 * saves item i under slot i, skipping empty slots. Nothing is saved for a null/undefined result.
 * Throws when a tuple slot has no item to take.
 */
export function storeReturnValue(
  action: WorkflowAction, result: unknown, assign: (name: string, value: JsonValue) => void, options: { sanitized?: boolean } = {},
): void {
  const { tuple, slots } = returnSlots(action);
  if (result === null || result === undefined || slots.every((s) => !s)) return;
  const json = options.sanitized ? (value: unknown) => value as JsonValue : sanitizeForJson;
  if (!tuple) {
    assign(slots[0], json(result));
    return;
  }
  const items = Array.isArray(result) ? result : null;
  slots.forEach((name, i) => {
    if (!name) return;
    if (!items || i >= items.length) {
      throw new Error(`Cannot save return value ${i} as '${name}'; result is not indexable at that position.`);
    }
    assign(name, json(items[i]));
  });
}
