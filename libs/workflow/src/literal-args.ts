import type { DeckSchema, JsonObject, WorkflowAction } from '@ivoryos/contracts';
import { convertValue, parseTypeDescriptor } from './convert';
import { setOwn } from './names';
import { argumentReference } from './references';
import { argsObject } from './step-fields';
import { findAction } from './validate-action';

/**
 * An action's args with text literals converted to their declared types (`"1"` for a `float` becomes 1;
 * with a schema, an enum member's name becomes its value). IvoryOS passes such literals to drivers as text.
 * References (`#name`) and values that do not convert stay as written.
 */
export function convertLiteralArgs(action: WorkflowAction, schema?: DeckSchema): JsonObject {
  const out: JsonObject = {};
  const method = schema ? findAction(schema, action.instrument, action.action) : undefined;
  for (const [key, value] of Object.entries(argsObject(action) ?? {})) {
    let converted = value;
    const param = method?.params.find((p) => p.name === key);
    const type = param?.type ?? action.arg_types?.[key];
    if (type !== undefined && !argumentReference(value)) {
      const takesText = parseTypeDescriptor(type).alternatives.some((a) => a.kind === 'str' || a.kind === 'any' || a.kind === 'other');
      if (typeof value !== 'string' || !takesText || param?.choices?.length) {
        const result = convertValue(value, type, param?.choices);
        if (result.ok) converted = result.value;
      }
    }
    setOwn(out, key, converted);
  }
  return out;
}
