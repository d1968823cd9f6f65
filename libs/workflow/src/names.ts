/** Rules for the names of variables, outputs and parameters, shared by validation, expressions and the runtime. */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/**
 * Names that reach JavaScript object internals. Contexts are plain objects, so `__proto__` as a key would
 * replace a context's prototype, and `constructor` would resolve through it.
 */
const UNSAFE = new Set(['constructor', 'prototype']);

/** Why `name` cannot be a variable, output or parameter name, or `null` when it can. */
export function nameProblem(name: string): string | null {
  if (!IDENTIFIER.test(name)) return `'${name}' is not a valid name (letters, digits and _, not starting with a digit)`;
  if (PYTHON_KEYWORDS.has(name)) return `'${name}' is a reserved word`;
  if (UNSAFE.has(name) || name.startsWith('__')) return `'${name}' is not allowed as a name`;
  return null;
}

/** Sets an own property even for keys like `__proto__`, so a context can never get a new prototype. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

const TS_RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'as',
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'await',
  'async', 'of', 'type', 'arguments', 'eval',
]);

/** A workflow name as a TypeScript identifier: names that are reserved there (`new`, `default`) get a `_`. */
export function tsIdent(name: string): string {
  return TS_RESERVED.has(name) ? `${name}_` : name;
}

/** `name` in an object literal or pattern: shorthand when the identifier is the name itself. */
export function tsProperty(name: string): string {
  const ident = tsIdent(name);
  return ident === name ? name : `${name}: ${ident}`;
}

/**
 * IvoryOS's `validate_function_name`: every non-word character becomes `_`, a leading digit gets a `_`
 * prefix, and reserved words get a `_` suffix (here TypeScript's as well as Python's).
 */
export function validateFunctionName(name: string): string {
  const cleaned = name.replace(/\W/g, '_').replace(/^(?=\d)/, '_') || '_';
  return PYTHON_KEYWORDS.has(cleaned) || TS_RESERVED.has(cleaned) ? `${cleaned}_` : cleaned;
}
