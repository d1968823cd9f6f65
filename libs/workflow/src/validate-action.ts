import type { ActionSchema, DeckSchema, InstrumentSchema, JsonObject, ReturnFormat, WorkflowAction } from '@ivoryos/contracts';
import { convertValue } from './convert';
import { argumentReference } from './references';
import { returnSlots } from './step-fields';

/** Schema checks of one instrument action: method, arguments, literal types and return slots. */

export interface ActionProblem {
  field: string;
  message: string;
}

/** Finds an instrument by its key or its `name` (`deck.sdl`), tolerating a missing `deck.` prefix. */
export function findInstrument(schema: DeckSchema, instrument: string): InstrumentSchema | undefined {
  const instruments = schema.instruments ?? {};
  const candidates = [instrument, instrument.replace(/^deck\./, ''), `deck.${instrument}`];
  for (const key of candidates) if (Object.hasOwn(instruments, key)) return instruments[key];
  return Object.values(instruments).find((i) => candidates.includes(i.name));
}

export function findAction(schema: DeckSchema, instrument: string, action: string): ActionSchema | undefined {
  const inst = findInstrument(schema, instrument);
  return inst && Object.hasOwn(inst.actions, action) ? inst.actions[action] : undefined;
}

function checkReturn(action: WorkflowAction, format: ReturnFormat | undefined, label: string): ActionProblem[] {
  const { tuple, slots } = returnSlots(action);
  if (!format) return [];
  if (tuple) {
    if (format.kind === 'tuple' && !format.variable_length && typeof format.arity === 'number' && slots.length !== format.arity) {
      return [{ field: 'return', message: `${label} returns a tuple of ${format.arity} items, but ${slots.length} names are given` }];
    }
    // An unannotated method (scalar without types) may well return a tuple; anything declared otherwise cannot.
    if (format.kind !== 'tuple' && !(format.kind === 'scalar' && format.types.length === 0)) {
      return [{ field: 'return', message: `${label} does not return a tuple (${format.annotation || format.kind}), but a list of names is given` }];
    }
  } else if (slots.length && format.kind === 'none') {
    return [{ field: 'return', message: `${label} returns nothing, so its result cannot be saved as '${slots[0]}'` }];
  }
  return [];
}

/** Checks against the deck schema; without a schema only the saved `return_format` is checked. */
export function checkActionAgainstSchema(action: WorkflowAction, schema: DeckSchema | undefined, args: JsonObject): ActionProblem[] {
  const label = `${action.instrument}.${action.action}`;
  if (!schema) return checkReturn(action, action.return_format, label);
  if (!findInstrument(schema, action.instrument)) {
    return [{ field: 'instrument', message: `Unknown instrument '${action.instrument}' on deck '${schema.deck}'` }];
  }
  const method = findAction(schema, action.instrument, action.action);
  if (!method) return [{ field: 'action', message: `Unknown method '${action.action}' of '${action.instrument}'` }];

  const problems: ActionProblem[] = [];
  const params = new Map(method.params.map((p) => [p.name, p]));
  for (const [key, value] of Object.entries(args)) {
    const param = params.get(key);
    if (!param) {
      if (action.has_kwargs !== true) problems.push({ field: `args.${key}`, message: `Unknown argument '${key}' for ${label}` });
      continue;
    }
    // References are resolved at run time; their values are checked when the rows are converted.
    if (argumentReference(value)) continue;
    if (value === null && Object.hasOwn(param, 'default') && param.default === null) continue;
    const converted = convertValue(value, param.type, param.choices);
    if (!converted.ok) problems.push({ field: `args.${key}`, message: `Argument '${key}' of ${label}: ${converted.error}` });
  }
  for (const param of method.params) {
    if (param.required && !Object.hasOwn(args, param.name)) {
      problems.push({ field: `args.${param.name}`, message: `Missing required argument '${param.name}' for ${label}` });
    }
  }
  problems.push(...checkReturn(action, method.returns, label));
  return problems;
}
