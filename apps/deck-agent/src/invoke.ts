import type { ActionSchema, DeckSchema, JsonObject, JsonValue } from '@ivoryos/contracts';

const SETTER_SUFFIX = '_(setter)';

export type ArgumentMapping = { ok: true; args: (JsonValue | undefined)[] } | { ok: false; error: string };

/**
 * Keyword arguments → the positional arguments a TypeScript method takes, in the schema's
 * parameter order. A missing optional parameter is passed as undefined so its default applies;
 * trailing undefined arguments are dropped, as a hand-written call would leave them out.
 */
export function mapArguments(action: ActionSchema, kwargs: JsonObject): ArgumentMapping {
  const known = new Set(action.params.map((p) => p.name));
  const unknown = Object.keys(kwargs).filter((name) => !known.has(name));
  if (unknown.length) return { ok: false, error: `unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}` };
  const missing = action.params.filter((p) => p.required && !Object.prototype.hasOwnProperty.call(kwargs, p.name));
  if (missing.length) return { ok: false, error: `missing required argument${missing.length > 1 ? 's' : ''} ${missing.map((p) => `'${p.name}'`).join(', ')}` };

  const args = action.params.map((p) => (Object.prototype.hasOwnProperty.call(kwargs, p.name) ? kwargs[p.name] : undefined));
  while (args.length && args[args.length - 1] === undefined) args.pop();
  return { ok: true, args };
}

/** The schema entry of `instrument.action`, or undefined when the registered schema has none. */
export function findAction(schema: DeckSchema, instrument: string, action: string): ActionSchema | undefined {
  const inst = Object.prototype.hasOwnProperty.call(schema.instruments, instrument) ? schema.instruments[instrument] : undefined;
  if (!inst || !Object.prototype.hasOwnProperty.call(inst.actions, action)) return undefined;
  return inst.actions[action];
}

/** Calls driver code. Only actions of the schema it was made with can be reached. */
export interface Invoker {
  /** Runs the action and returns what the driver returned (awaited); driver errors propagate. */
  invoke(instrument: string, action: string, kwargs: JsonObject): Promise<unknown>;
}

export class ActionNotFoundError extends Error {}
export class InvalidArgumentsError extends Error {}

export function createInvoker(exports: object, schema: DeckSchema): Invoker {
  const objects = exports as Record<string, unknown>;
  return {
    async invoke(instrument, actionName, kwargs) {
      const action = findAction(schema, instrument, actionName);
      if (!action) throw new ActionNotFoundError(`${instrument} has no action '${actionName}' in the registered schema`);
      const target = objects[instrument.slice('deck.'.length)];
      if (typeof target !== 'object' || target === null) throw new ActionNotFoundError(`${instrument} is not exported by the deck module`);
      const mapped = mapArguments(action, kwargs);
      if (!mapped.ok) throw new InvalidArgumentsError(mapped.error);
      const members = target as Record<string, unknown>;

      switch (action.kind) {
        case 'getter':
          return await members[action.name];
        case 'setter':
          members[action.name.slice(0, -SETTER_SUFFIX.length)] = kwargs['value'];
          return undefined;
        case 'method': {
          const fn = members[action.name];
          if (typeof fn !== 'function') throw new ActionNotFoundError(`${instrument}.${action.name} is not a function at runtime`);
          return await (fn as (...args: unknown[]) => unknown).apply(target, mapped.args);
        }
      }
    },
  };
}
