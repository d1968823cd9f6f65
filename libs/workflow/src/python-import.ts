import type { JsonValue, TypeDescriptor, WorkflowAction } from '@ivoryos/contracts';

/**
 * Python source → workflow actions, as IvoryOS's `submit_python` does (its `convert_to_cards`):
 * `result = deck.sdl.analyze(param_1=1, param_2=2)` is one step with typed arguments and a saved
 * output; `x = 5` a variable; `time.sleep(2)` a wait; `if`/`elif`/`else` and `while` become flow
 * markers; a bare name argument is a run parameter (`#name`), typed by the enclosing function's
 * annotation (`float` without one). Other statements are skipped, as there. Unlike IvoryOS a
 * negative number stays a number (IvoryOS turns `-1` into the text "-1").
 */
export interface PythonImportOptions {
  /** Parameter names of an action in order, to name positional arguments (`arg_<i>` otherwise). */
  params?: (instrument: string, action: string) => string[] | undefined;
  /** Whether `deck.<name>` is an instrument, so `name.method()` calls resolve to it. */
  hasInstrument?: (instrument: string) => boolean;
  /** Block uuids; IvoryOS uses 15-digit random integers. */
  newUuid?: () => number;
}

export class PythonImportError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

interface Line {
  no: number;
  indent: number;
  text: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*$/;

export function pythonToActions(source: string, opts: PythonImportOptions = {}): WorkflowAction[] {
  const lines = logicalLines(source);
  const out: WorkflowAction[] = [];
  const newUuid = opts.newUuid ?? (() => Number(String(Math.floor(1e14 + Math.random() * 9e14))));
  let types: Record<string, TypeDescriptor> = {};
  const add = (a: Omit<WorkflowAction, 'id'>): void => {
    out.push({ ...a, id: out.length + 1 } as WorkflowAction);
  };

  const value = (text: string, line: number): [JsonValue, TypeDescriptor] => {
    const literal = parseLiteral(text);
    if (literal !== undefined) return [literal, inferType(literal, text)];
    if (IDENT.test(text)) return [`#${text}`, types[text] ?? 'any'];
    if (!text) throw new PythonImportError(line, 'empty argument');
    return [text, text.startsWith('#') ? 'any' : 'str'];
  };

  const call = (expr: string, ret: string, line: number): void => {
    let text = expr.trim();
    let awaited = false;
    if (/^await\s/.test(text)) {
      awaited = true;
      text = text.slice(5).trim();
    }
    const open = text.indexOf('(');
    if (open < 0 || !text.endsWith(')') || matchingClose(text, open) !== text.length - 1) return;
    const callee = text.slice(0, open).replace(/\s+/g, '');
    if (!DOTTED.test(callee)) return;
    const parts = callee.split('.');
    let instrument: string;
    let action: string;
    if (parts[0] === 'deck') {
      if (parts.length < 3) return;
      instrument = parts.slice(0, -1).join('.');
      action = parts[parts.length - 1];
    } else if (parts.length >= 2 && opts.hasInstrument?.(`deck.${parts.slice(0, -1).join('.')}`)) {
      instrument = `deck.${parts.slice(0, -1).join('.')}`;
      action = parts[parts.length - 1];
    } else if (callee === 'time.sleep') {
      instrument = 'time';
      action = 'sleep';
    } else {
      return;
    }
    const argTexts = splitTopLevel(text.slice(open + 1, -1), ',').map((s) => s.trim()).filter((s) => s !== '');
    if (instrument === 'time') {
      const [v, t] = argTexts.length ? value(argTexts[0], line) : [null, 'any' as TypeDescriptor];
      add({ instrument: 'wait', action: 'wait', args: { statement: v }, arg_types: { statement: t }, return: ret, uuid: newUuid() });
      return;
    }
    const names = opts.params?.(instrument, action) ?? [];
    const args: Record<string, JsonValue> = {};
    const argTypes: Record<string, TypeDescriptor> = {};
    let positional = 0;
    for (const arg of argTexts) {
      if (arg.startsWith('**')) {
        const dict = arg.slice(2).trim();
        if (!dict.startsWith('{') || !dict.endsWith('}')) throw new PythonImportError(line, `cannot read **${dict}: only a literal {...} dict is supported`);
        for (const item of splitTopLevel(dict.slice(1, -1), ',').map((s) => s.trim()).filter(Boolean)) {
          const [k, v] = splitTopLevel(item, ':', 2);
          if (v === undefined) throw new PythonImportError(line, `dict item '${item}' has no ':'`);
          const key = parseLiteral(k.trim());
          const name = typeof key === 'string' ? key : k.trim();
          [args[name], argTypes[name]] = value(v.trim(), line);
        }
        continue;
      }
      const eq = keywordSplit(arg);
      if (eq) {
        [args[eq[0]], argTypes[eq[0]]] = value(eq[1], line);
      } else {
        const name = names[positional] ?? `arg_${positional}`;
        positional += 1;
        [args[name], argTypes[name]] = value(arg, line);
      }
    }
    add({ instrument, action, args, arg_types: argTypes, return: ret, uuid: newUuid(), ...(awaited ? { coroutine: true } : {}) });
  };

  const statement = (l: Line): void => {
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.+)$/s.exec(l.text);
    if (assign) {
      const [, name, rhs] = assign;
      const literal = parseLiteral(rhs.trim());
      if (literal !== undefined) {
        types[name] = inferType(literal, rhs);
        add({ instrument: 'variable', action: name, args: { statement: literal }, arg_types: { statement: types[name] }, return: '', uuid: newUuid() });
      } else {
        call(rhs, name, l.no);
      }
      return;
    }
    call(l.text, '', l.no);
  };

  const block = (start: number, indent: number): number => {
    let i = start;
    while (i < lines.length && lines[i].indent >= indent) {
      const l = lines[i];
      if (l.indent > indent) throw new PythonImportError(l.no, 'unexpected indent');
      const header = /^(async\s+def|def|if|elif|else|while|for|with|try|except|finally|class)\b(.*):\s*$/s.exec(l.text);
      if (!header) {
        statement(l);
        i += 1;
        continue;
      }
      const [, kw, rest] = header;
      const bodyIndent = lines[i + 1]?.indent ?? -1;
      if (bodyIndent <= indent) throw new PythonImportError(l.no, `expected an indented block after '${kw}'`);
      if (kw === 'def' || kw === 'async def') {
        types = functionTypes(rest, l.no);
        i = block(i + 1, bodyIndent);
      } else if (kw === 'if') {
        i = ifChain(i, indent, rest.trim());
      } else if (kw === 'while') {
        const uuid = newUuid();
        add({ instrument: 'while', action: 'while', args: { statement: rest.trim() }, arg_types: { statement: '' }, return: '', uuid });
        i = block(i + 1, bodyIndent);
        add({ instrument: 'while', action: 'endwhile', args: {}, return: '', uuid });
      } else if (kw === 'elif' || kw === 'else') {
        throw new PythonImportError(l.no, `'${kw}' without 'if'`);
      } else {
        // for / with / try / class: IvoryOS visits the statements inside.
        i = block(i + 1, bodyIndent);
      }
    }
    return i;
  };

  /** `if a: … elif b: … else: …` is an if whose else holds a nested if, as Python's AST has it. */
  const ifChain = (at: number, indent: number, test: string): number => {
    const uuid = newUuid();
    add({ instrument: 'if', action: 'if', args: { statement: test }, arg_types: { statement: '' }, return: '', uuid });
    let i = block(at + 1, lines[at + 1].indent);
    const next = lines[i];
    const branch = next && next.indent === indent ? /^(elif|else)\b(.*):\s*$/s.exec(next.text) : null;
    if (branch) {
      add({ instrument: 'if', action: 'else', args: {}, return: '', uuid });
      const bodyIndent = lines[i + 1]?.indent ?? -1;
      if (bodyIndent <= indent) throw new PythonImportError(next.no, `expected an indented block after '${branch[1]}'`);
      i = branch[1] === 'elif' ? ifChain(i, indent, branch[2].trim()) : block(i + 1, bodyIndent);
    }
    add({ instrument: 'if', action: 'endif', args: {}, return: '', uuid });
    return i;
  };

  if (lines.length && lines[0].indent > 0) throw new PythonImportError(lines[0].no, 'unexpected indent');
  block(0, 0);
  return out;
}

/** The type of a constant; numbers by how they are written (`1.0` and `1e3` are floats). */
function inferType(value: JsonValue, text: string): TypeDescriptor {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return /^[-+]?[\d_]+$/.test(text.trim()) ? 'int' : 'float';
  if (typeof value === 'string') return value.startsWith('#') ? 'any' : 'str';
  return 'unknown';
}

/** Parameter types of `name(a: int, b=2, *, c: str = 'x')`: the annotation text, `float` without one. */
function functionTypes(rest: string, line: number): Record<string, TypeDescriptor> {
  const m = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*\((.*)\)\s*(->.*)?$/s.exec(rest);
  if (!m) throw new PythonImportError(line, 'cannot read the function definition');
  const types: Record<string, TypeDescriptor> = {};
  for (const raw of splitTopLevel(m[1], ',').map((s) => s.trim()).filter(Boolean)) {
    if (raw.startsWith('*') || raw === '/') continue;
    const [head] = splitTopLevel(raw, '=', 2);
    const [name, annotation] = splitTopLevel(head, ':', 2).map((s) => s.trim());
    types[name] = annotation ? annotation : 'float';
  }
  return types;
}

/** `name=value` at top level (not `==`, `<=`, `>=`, `!=`). */
function keywordSplit(arg: string): [string, string] | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$/s.exec(arg);
  return m ? [m[1], m[2].trim()] : undefined;
}

/** A Python constant: numbers (with a sign), strings, True, False, None. Lists and the rest are not constants there. */
export function parseLiteral(text: string): JsonValue | undefined {
  const t = text.trim();
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  if (/^[-+]?(\d[\d_]*)$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^[-+]?(\d[\d_]*\.?[\d_]*([eE][-+]?\d+)?|\.\d[\d_]*([eE][-+]?\d+)?)$/.test(t)) return Number(t.replace(/_/g, ''));
  const s = /^([rRbBuU]?)('''|"""|'|")/.exec(t);
  if (!s) return undefined;
  const [, prefix, quote] = s;
  if (/[bB]/.test(prefix)) return undefined;
  const body = t.slice(prefix.length + quote.length);
  if (!body.endsWith(quote) || body.length < quote.length) return undefined;
  const inner = body.slice(0, -quote.length);
  if (stringEnd(t, prefix.length) !== t.length) return undefined;
  return /[rR]/.test(prefix) ? inner : unescape(inner);
}

function unescape(s: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\s\S])/g, (_, c: string) => {
    if (c.length > 1) return String.fromCharCode(parseInt(c.slice(1), 16));
    return map[c] ?? `\\${c}`;
  });
}

/** Index just past the string literal starting at `i` (at its quote). */
function stringEnd(text: string, i: number): number {
  const triple = text.startsWith("'''", i) || text.startsWith('"""', i);
  const quote = triple ? text.slice(i, i + 3) : text[i];
  let j = i + quote.length;
  while (j < text.length) {
    if (text[j] === '\\') j += 2;
    else if (text.startsWith(quote, j)) return j + quote.length;
    else j += 1;
  }
  return -1;
}

function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Split at `sep` outside brackets and strings, into at most `limit` parts. */
function splitTopLevel(text: string, sep: string, limit = Infinity): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      if (end < 0) break;
      i = end - 1;
    } else if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (c === sep && depth === 0 && parts.length < limit - 1) {
      // `==`, `<=`, `>=`, `!=` are not keyword separators.
      if (sep === '=' && (text[i + 1] === '=' || '=<>!'.includes(text[i - 1] ?? ''))) continue;
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Physical lines joined inside brackets, strings and after `\`; comments and blank lines dropped. */
function logicalLines(source: string): Line[] {
  const lines: Line[] = [];
  const text = source.replace(/\r\n?/g, '\n');
  let depth = 0;
  let current = '';
  let lineNo = 1;
  let startNo = 1;
  const flush = (): void => {
    if (current.trim()) {
      const indent = (/^[ \t]*/.exec(current)?.[0] ?? '').replace(/\t/g, '    ').length;
      lines.push({ no: startNo, indent, text: current.trim() });
    }
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      if (end < 0) throw new PythonImportError(lineNo, 'unterminated string');
      const literal = text.slice(i, end);
      lineNo += (literal.match(/\n/g) ?? []).length;
      current += literal;
      i = end - 1;
    } else if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i += 1;
    } else if (c === '\\' && text[i + 1] === '\n') {
      i += 1;
      lineNo += 1;
    } else if (c === '\n') {
      lineNo += 1;
      if (depth > 0) current += ' ';
      else {
        flush();
        startNo = lineNo;
      }
    } else {
      if ('([{'.includes(c)) depth += 1;
      else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
      if (!current.trim()) startNo = lineNo;
      current += c;
    }
  }
  if (depth > 0) throw new PythonImportError(startNo, 'unclosed bracket');
  flush();
  return lines;
}
