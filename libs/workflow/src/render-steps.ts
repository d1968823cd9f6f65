import type { DeckSchema, JsonValue, TypeDescriptor, WorkflowAction } from '@ivoryos/contracts';
import { convertValue, parseTypeDescriptor } from './convert';
import { compileExpression, ExpressionSyntaxError } from './expression';
import { convertLiteralArgs } from './literal-args';
import type { Block, WorkflowNode } from './model';
import { tsIdent, tsProperty, validateFunctionName } from './names';
import { argumentReference, textReferences } from './references';
import { expressionToTs, tsString } from './render-expression';
import { argsObject, declaredVariableType, returnSlots, statementOf, variableName } from './step-fields';
import { findAction } from './validate-action';
import { validateWorkflow } from './validate';

/** Turns nested workflow nodes into TypeScript statements. */

export interface RenderContext {
  schema?: DeckSchema;
  helpers: Set<'sleep' | 'pause' | 'input'>;
  /** Embedded workflows to render as functions, by function name, with their parameter order. */
  workflows: Map<string, { actions: WorkflowAction[]; params: string[] }>;
}

const INDENT = '  ';
const IDENT = /^[A-Za-z_$][\w$]*$/;

export function tsType(type: TypeDescriptor | undefined): string {
  if (type === undefined) return 'unknown';
  const parsed = parseTypeDescriptor(type);
  const parts = parsed.alternatives.map((alt) => {
    switch (alt.kind) {
      case 'int':
      case 'float': return 'number';
      case 'str': return 'string';
      case 'bool': return 'boolean';
      case 'list': return 'unknown[]';
      case 'dict': return 'Record<string, unknown>';
      case 'enum': return 'string';
      case 'literal': return alt.options.map((o) => (/^-?\d+(\.\d+)?$/.test(o) ? o : tsString(o))).join(' | ');
      default: return 'unknown';
    }
  });
  if (parsed.optional) parts.push('null');
  return [...new Set(parts.length ? parts : ['null'])].join(' | ');
}

export function valueToTs(value: JsonValue): string {
  if (typeof value === 'string') return tsString(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(valueToTs).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${IDENT.test(k) ? k : tsString(k)}: ${valueToTs(v)}`);
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

/** Text with `#name` references: a bare variable, a template literal, or a plain string literal. */
export function textToTs(text: string): string {
  const ref = argumentReference(text);
  if (ref?.kind === 'exact') return tsIdent(ref.name);
  if (!textReferences(text).length) return tsString(text);
  const escaped = text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return `\`${escaped.replace(/#([A-Za-z_]\w*)/g, (_m, name: string) => `\${${tsIdent(name)}}`)}\``;
}

function argToTs(value: JsonValue): string {
  const ref = argumentReference(value);
  if (ref?.kind === 'exact' || ref?.kind === 'legacy') return tsIdent(ref.name);
  if (ref?.kind === 'text') return textToTs(value as string);
  return valueToTs(value);
}

function amountToTs(statement: JsonValue | undefined): string {
  if (typeof statement === 'string') return expressionToTs(statement);
  return typeof statement === 'number' ? String(statement) : 'undefined';
}

function conditionToTs(statement: JsonValue | undefined): string {
  if (typeof statement === 'boolean') return String(statement);
  return typeof statement === 'string' ? expressionToTs(statement) : 'undefined';
}

/** The parameters of an embedded workflow, in first-use order. */
export function embeddedParameters(actions: WorkflowAction[]): string[] {
  return validateWorkflow({ script_dict: { prep: [], script: actions, cleanup: [] } }).parameters.map((p) => p.name);
}

/** Names an embedded workflow returns (its script phase outputs). */
export function embeddedOutputs(actions: WorkflowAction[]): string[] {
  return validateWorkflow({ script_dict: { prep: [], script: actions, cleanup: [] } }).outputs;
}

interface Assignment {
  sites: number;
  nested: boolean;
  type?: string;
  /** Assigned together with other names (tuple or dict destructuring). */
  group?: string[];
}

function outputType(action: WorkflowAction, slot: number, schema: DeckSchema | undefined): string | undefined {
  const format = (schema ? findAction(schema, action.instrument, action.action)?.returns : undefined) ?? action.return_format;
  const type = format?.kind === 'tuple' ? format.types[slot] : format?.types[0];
  return type ? tsType(type) : undefined;
}

/** Which names a list of nodes assigns, how often and whether inside a block: decides `const` or a hoisted `let`. */
export function analyseAssignments(nodes: readonly WorkflowNode[], schema: DeckSchema | undefined): Map<string, Assignment> {
  const found = new Map<string, Assignment>();
  const note = (name: string, nested: boolean, type?: string, group?: string[]): void => {
    const entry = found.get(name) ?? { sites: 0, nested: false };
    entry.sites += 1;
    entry.nested ||= nested;
    entry.type ??= type;
    if (group && group.length > 1) entry.group = group;
    found.set(name, entry);
  };
  const walk = (list: readonly WorkflowNode[], nested: boolean): void => {
    for (const node of list) {
      if (node.disabled) continue;
      const { action } = node;
      switch (node.kind) {
        case 'variable':
        case 'math_variable':
        case 'input':
          note(variableName(action), nested, tsType(declaredVariableType(action)));
          break;
        case 'action': {
          const { tuple, slots } = returnSlots(action);
          const named = slots.filter(Boolean);
          slots.forEach((s, i) => s && note(s, nested, outputType(action, tuple ? i : 0, schema), tuple ? named : undefined));
          break;
        }
        case 'workflow': {
          const slots = returnSlots(action).slots.filter(Boolean);
          const names = slots.length ? slots : embeddedOutputs(Array.isArray(action.workflow) ? action.workflow : []);
          names.forEach((n) => note(n, nested, undefined, slots.length ? undefined : names));
          break;
        }
        case 'if':
          walk(node.then.nodes, true);
          walk(node.otherwise.nodes, true);
          break;
        case 'while':
        case 'repeat':
          walk(node.body.nodes, true);
          break;
        default:
      }
    }
  };
  walk(nodes, false);
  return found;
}

/** Renders statements for a block, declaring assigned names: `const` at a single top-level site, else a hoisted `let`. */
export class StatementWriter {
  readonly lines: string[] = [];
  private readonly declared: Set<string>;
  private readonly singles = new Set<string>();
  private loopDepth = 0;
  private readonly loopNames: string[] = [];

  constructor(private readonly ctx: RenderContext, nodes: readonly WorkflowNode[], predeclared: Iterable<string>, private readonly indent: string) {
    this.declared = new Set(predeclared);
    const assignments = analyseAssignments(nodes, ctx.schema);
    const hoist = (name: string): boolean => {
      const a = assignments.get(name);
      return !!a && (a.sites > 1 || a.nested || (a.group ?? []).some((g) => this.declared.has(g) || hoistPlain(g)));
    };
    const hoistPlain = (name: string): boolean => {
      const a = assignments.get(name);
      return !!a && (a.sites > 1 || a.nested);
    };
    for (const [name, a] of assignments) {
      if (this.declared.has(name)) continue;
      if (hoist(name)) {
        this.lines.push(`${indent}let ${tsIdent(name)}${a.type ? `: ${a.type}` : ''};`);
        this.declared.add(name);
      } else this.singles.add(name);
    }
    this.block(nodes, indent);
  }

  /** Names assigned anywhere in the rendered statements. */
  assignedNames(): string[] {
    return [...this.declared, ...this.singles];
  }

  private target(names: string[], destructure: 'array' | 'object' | null, slots?: string[]): string {
    const fresh = names.every((n) => this.singles.has(n) && !this.declared.has(n));
    names.forEach((n) => this.declared.add(n));
    const pattern = destructure === 'array' ? `[${(slots ?? names).map((n) => (n ? tsIdent(n) : '')).join(', ')}]`
      : destructure === 'object' ? `{ ${names.map(tsProperty).join(', ')} }` : tsIdent(names[0]);
    if (fresh) return `const ${pattern}`;
    return destructure === 'object' ? `(${pattern}` : pattern;
  }

  private assign(names: string[], value: string, destructure: 'array' | 'object' | null = null, slots?: string[]): string {
    const target = this.target(names, destructure, slots);
    return target.startsWith('(') ? `${target} = ${value});` : `${target} = ${value};`;
  }

  private block(nodes: readonly WorkflowNode[], indent: string): void {
    for (const node of nodes) {
      const start = this.lines.length;
      this.node(node, indent);
      if (node.disabled) {
        for (let i = start; i < this.lines.length; i++) this.lines[i] = this.lines[i].replace(/^(\s*)/, '$1// ');
      }
    }
  }

  /** A counter name for a `for` loop that no workflow variable (or enclosing loop) uses. */
  private loopVariable(): string {
    const taken = new Set([...this.declared, ...this.singles, ...this.loopNames]);
    const name = ['i', 'j', 'k', ...Array.from({ length: 20 }, (_, n) => `i${n + 2}`)].find((c) => !taken.has(c)) ?? `loop${this.loopDepth}`;
    this.loopNames.push(name);
    return name;
  }

  private call(action: WorkflowAction): { code: string; assignable: boolean } {
    const args = convertLiteralArgs(action, this.ctx.schema);
    const method = this.ctx.schema ? findAction(this.ctx.schema, action.instrument, action.action) : undefined;
    if (action.action.endsWith('_(setter)')) {
      const prop = action.action.slice(0, -'_(setter)'.length);
      return { code: `${action.instrument}.${prop} = ${argToTs(args.value ?? null)}`, assignable: false };
    }
    if (method?.kind === 'getter') return { code: `${action.instrument}.${action.action}`, assignable: true };
    const order = method?.params.map((p) => p.name) ?? action.arg_order ?? Object.keys(args);
    const positional = order.map((name) => (Object.hasOwn(args, name) ? argToTs(args[name]) : 'undefined'));
    while (positional.at(-1) === 'undefined') positional.pop();
    const extra = Object.keys(args).filter((k) => !order.includes(k));
    if (extra.length) positional.push(`{ ${extra.map((k) => `${IDENT.test(k) ? k : tsString(k)}: ${argToTs(args[k])}`).join(', ')} }`);
    return { code: `await ${action.instrument}.${action.action}(${positional.join(', ')})`, assignable: true };
  }

  private node(node: WorkflowNode, indent: string): void {
    const { action } = node;
    const push = (line: string): void => void this.lines.push(indent + line);
    const statement = statementOf(action);
    switch (node.kind) {
      case 'action': {
        const { code, assignable } = this.call(action);
        const { tuple, slots } = returnSlots(action);
        const named = slots.filter(Boolean);
        if (!assignable || !named.length) return push(`${code};`);
        if (tuple) return push(this.assign(named, code, 'array', slots.map((s) => s || '')));
        return push(this.assign(named, code));
      }
      case 'wait':
        this.ctx.helpers.add('sleep');
        return push(`await sleep(${amountToTs(statement)});`);
      case 'comment':
        return push(`console.log(${textToTs(typeof statement === 'string' ? statement : JSON.stringify(statement ?? ''))});`);
      case 'pause':
        this.ctx.helpers.add('pause');
        return push(`await pause(${textToTs(typeof statement === 'string' ? statement : String(statement ?? ''))});`);
      case 'variable':
        return push(this.assign([variableName(action)], variableToTs(action)));
      case 'math_variable':
        return push(this.assign([variableName(action)], castTs(amountToTs(statement), declaredVariableType(action))));
      case 'input': {
        this.ctx.helpers.add('input');
        const type = declaredVariableType(action);
        const prompt = `await input(${textToTs(typeof statement === 'string' ? statement : variableName(action))})`;
        const value = type === 'int' ? `Number.parseInt(${prompt}, 10)` : type === 'float' ? `Number(${prompt})`
          : type === 'bool' ? `(${prompt}).toLowerCase() === 'true'` : prompt;
        return push(this.assign([variableName(action)], value));
      }
      case 'workflow': {
        const actions = Array.isArray(action.workflow) ? action.workflow : [];
        const fn = validateFunctionName(action.action);
        const args = argsObject(action) ?? {};
        const own = embeddedParameters(actions);
        const known = this.ctx.workflows.get(fn) ?? { actions, params: [...own, ...Object.keys(args).filter((k) => !own.includes(k))] };
        this.ctx.workflows.set(fn, known);
        const values = known.params.map((p) => (Object.hasOwn(args, p) ? argToTs(args[p]) : 'undefined'));
        while (values.at(-1) === 'undefined') values.pop();
        const code = `await ${fn}(${values.join(', ')})`;
        const slots = returnSlots(action).slots.filter(Boolean);
        if (slots.length) return push(this.assign([slots[0]], code));
        const outputs = embeddedOutputs(actions);
        return push(outputs.length ? this.assign(outputs, code, 'object') : `${code};`);
      }
      case 'if':
        push(`if (${conditionToTs(statement)}) {`);
        this.block(node.then.nodes, indent + INDENT);
        if (node.otherwise.nodes.length) {
          push('} else {');
          this.block(node.otherwise.nodes, indent + INDENT);
        }
        return push('}');
      case 'while':
        push(`while (${conditionToTs(statement)}) {`);
        this.block(node.body.nodes, indent + INDENT);
        return push('}');
      case 'repeat': {
        const v = this.loopVariable();
        push(`for (let ${v} = 0; ${v} < ${amountToTs(statement)}; ${v} += 1) {`);
        this.loopDepth += 1;
        this.block(node.body.nodes, indent + INDENT);
        this.loopDepth -= 1;
        this.loopNames.pop();
        return push('}');
      }
    }
  }
}

function castTs(code: string, type: string): string {
  if (type === 'int') return `Math.trunc(${code})`;
  if (type === 'bool') return `Boolean(${code})`;
  if (type === 'str') return `String(${code})`;
  return code;
}

function variableToTs(action: WorkflowAction): string {
  const type = declaredVariableType(action);
  const statement = statementOf(action) ?? null;
  if (typeof statement !== 'string') {
    const converted = statement === null ? null : convertValue(statement, type);
    return valueToTs(converted?.ok ? converted.value : statement);
  }
  if (type === 'str') return textToTs(statement);
  const literal = convertValue(statement, type);
  if (literal.ok) return valueToTs(literal.value);
  return castTs(expressionToTs(statement), type);
}

/** Every name a node reads (references in args, texts and expressions), for batch rendering. */
export function nodeReads(node: WorkflowNode): string[] {
  const names = new Set<string>();
  const text = (value: JsonValue | undefined): void => {
    if (typeof value === 'string') textReferences(value).forEach((n) => names.add(n));
  };
  const expr = (value: JsonValue | undefined): void => {
    if (typeof value !== 'string') return;
    try {
      compileExpression(value).names.forEach((n) => names.add(n.name));
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
    }
  };
  const visit = (n: WorkflowNode): void => {
    const statement = statementOf(n.action);
    if (n.kind === 'action' || n.kind === 'workflow') {
      for (const value of Object.values(argsObject(n.action) ?? {})) {
        const ref = argumentReference(value);
        if (ref?.kind === 'exact' || ref?.kind === 'legacy') names.add(ref.name);
        else if (ref?.kind === 'text') ref.names.forEach((x) => names.add(x));
      }
    } else if (n.kind === 'comment' || n.kind === 'pause' || n.kind === 'input' || (n.kind === 'variable' && declaredVariableType(n.action) === 'str')) {
      text(statement);
    } else expr(statement);
    const blocks: Block[] = n.kind === 'if' ? [n.then, n.otherwise] : n.kind === 'while' || n.kind === 'repeat' ? [n.body] : [];
    blocks.forEach((b) => b.nodes.forEach(visit));
  };
  visit(node);
  return [...names];
}
