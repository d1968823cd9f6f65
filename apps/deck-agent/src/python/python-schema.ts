import type {
  ActionSchema, Choice, DeckSchema, InstrumentSchema, JsonValue, ParamSchema, PythonDeckSchema, PythonMethod, PythonParam, PythonProperty,
} from '@ivoryos/contracts';
import { hashDeckSchema } from '@ivoryos/introspection';

/**
 * The bridge's Python schema → the contract schema TypeScript decks produce, so the gateway, validation,
 * conversion, rendering and the proxies treat both alike. The only place Python-specific fields are read.
 * Display-only text (signatures, the absolute deck path) never reaches the hash.
 */
export function toDeckSchema(python: PythonDeckSchema, deckName: string): DeckSchema {
  const instruments: Record<string, InstrumentSchema> = {};
  const skipped: NonNullable<DeckSchema['skipped']> = [];
  for (const [name, inst] of Object.entries(python.instruments)) {
    const actions: Record<string, ActionSchema> = {};
    for (const [action, method] of Object.entries(inst.methods)) actions[action] = methodAction(action, method);
    for (const [prop, property] of Object.entries(inst.properties)) {
      for (const action of propertyActions(prop, property)) actions[action.name] = action;
    }
    instruments[name] = { name, className: inst.class, ...(inst.docstring ? { doc: inst.docstring } : {}), actions };
    for (const [action, reason] of Object.entries(inst.skipped)) skipped.push({ instrument: name, action, reason });
  }
  const body = { schemaVersion: 1 as const, deck: deckName, instruments };
  return { ...body, hash: hashDeckSchema(body), source: { file: python.deck.file, language: 'py' }, skipped };
}

function methodAction(name: string, method: PythonMethod): ActionSchema {
  return {
    name,
    kind: 'method',
    params: method.params.map(param),
    async: method.coroutine,
    returns: method.returns,
    ...(method.docstring ? { doc: method.docstring } : {}),
  };
}

function propertyActions(name: string, property: PythonProperty): ActionSchema[] {
  const doc = property.docstring ? { doc: property.docstring } : {};
  const getter: ActionSchema = { name, kind: 'getter', params: [], async: false, returns: property.getter.returns, ...doc };
  if (!property.setter) return [getter];
  const setter: ActionSchema = {
    name: property.setter.action, kind: 'setter', params: property.setter.params.map(param), async: false,
    returns: { kind: 'none', types: [], annotation: '' }, ...doc,
  };
  return [getter, setter];
}

function param(p: PythonParam): ParamSchema {
  const out: ParamSchema = { name: p.name, type: p.type, required: p.required };
  if (p.default !== undefined) out.default = p.default;
  const choices = choicesOf(p);
  if (choices) out.choices = choices;
  return out;
}

function choicesOf(p: PythonParam): Choice[] | undefined {
  const c = p.choices;
  if (!c) return undefined;
  if (c.kind === 'enum') return c.names.map((name, i) => ({ name, value: choiceValue(c.values[i], name) }));
  return c.values.map((value) => ({ name: String(value), value: choiceValue(value, String(value)) }));
}

// A Choice value is a string, number or boolean; an Enum whose values are tuples or objects is chosen by name.
function choiceValue(value: JsonValue | undefined, name: string): string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : name;
}
