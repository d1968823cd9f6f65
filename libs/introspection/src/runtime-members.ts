import { EventEmitter } from 'node:events';
import { Stream } from 'node:stream';

/** A callable as found on a prototype; only its text, arity and kind are read, it is never called. */
type RuntimeFunction = (...args: never[]) => unknown;

/**
 * What introspection needs of a runtime member, as plain data: a method's text (for parameter
 * names and literal defaults when the source has no declaration), arity and async-ness; an
 * accessor's getter and setter. Plain data crosses to the process that runs the type checker.
 */
export type RuntimeMember =
  | { kind: 'method'; name: string; text: string; arity: number; async: boolean }
  | { kind: 'accessor'; name: string; get: boolean; set: boolean };

/** One instrument export as found at runtime. */
export interface RuntimeInstrument {
  className: string;
  members: RuntimeMember[];
}

/** The deck module's instrument exports by export name: everything introspection reads of the runtime. */
export type RuntimeShape = Record<string, RuntimeInstrument>;

/** The instrument exports of a loaded deck module as plain data (no function is called, no getter read). */
export function describeRuntime(exports: object, exclude: readonly string[] = []): RuntimeShape {
  const shape: RuntimeShape = {};
  for (const [name, value] of Object.entries(exports)) {
    if (!isInstrumentExport(name, value) || exclude.includes(name)) continue;
    shape[name] = { className: (value.constructor as { name?: string } | undefined)?.name ?? '', members: runtimeMembers(value) };
  }
  return shape;
}

// Methods inherited from these belong to the platform, not to the instrument.
const PLATFORM_PROTOTYPES = new Set<unknown>([Object.prototype, EventEmitter.prototype, Stream.prototype]);

/**
 * IvoryOS's rule for module globals: object instances only. Functions, classes, primitives,
 * plain objects, arrays and other built-ins are not instruments; neither are names that start
 * with `_` or an uppercase letter.
 */
export function isInstrumentExport(name: string, value: unknown): value is object {
  if (name.startsWith('_') || /^[A-Z]/.test(name) || name === 'default') return false;
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return false;
  return !(
    Array.isArray(value) ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Promise ||
    value instanceof Error
  );
}

/**
 * Public methods and accessors along the prototype chain, nearest first (an override hides
 * what it overrides). Own instance fields are data, not actions. Accessors are read from
 * property descriptors, so no getter runs.
 */
export function runtimeMembers(instance: object): RuntimeMember[] {
  const members: RuntimeMember[] = [];
  const seen = new Set<string>();
  for (let proto: unknown = Object.getPrototypeOf(instance); isUserPrototype(proto); proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (name === 'constructor' || name.startsWith('_')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      const value: unknown = descriptor?.value;
      if (typeof value === 'function') members.push(describeMethod(name, value as RuntimeFunction));
      else if (descriptor?.get || descriptor?.set) members.push({ kind: 'accessor', name, get: !!descriptor.get, set: !!descriptor.set });
    }
  }
  return members;
}

function describeMethod(name: string, fn: RuntimeFunction): RuntimeMember {
  return { kind: 'method', name, text: Function.prototype.toString.call(fn), arity: fn.length, async: isAsyncFunction(fn) };
}

function isAsyncFunction(fn: RuntimeFunction): boolean {
  return fn.constructor.name === 'AsyncFunction' || fn.constructor.name === 'AsyncGeneratorFunction';
}

function isUserPrototype(proto: unknown): proto is object {
  return typeof proto === 'object' && proto !== null && !PLATFORM_PROTOTYPES.has(proto);
}
