import type { DeckSchema, PhaseKey, WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';
import type { WorkflowNode } from './model';
import { tsIdent, tsProperty, validateFunctionName } from './names';
import { nestActions, parseWorkflow } from './parse';
import { tsString } from './render-expression';
import { analyseAssignments, nodeReads, StatementWriter, tsType, type RenderContext } from './render-steps';
import { validateWorkflow, type ParameterInfo } from './validate';

export interface RenderOptions {
  schema?: DeckSchema;
  /**
   * `single` (default): one call runs one sample. `batch`: IvoryOS's experimental batch form, a function
   * over a list of samples where every step loops over them and `batch_action` steps run once.
   */
  mode?: 'single' | 'batch';
}

const HELPERS = {
  sleep: [
    '/** Waits `seconds`. */',
    'const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));',
  ],
  pause: [
    '/** Stops until someone confirms at the terminal, like the workflow\'s pause step. */',
    "async function pause(reason = 'Manual intervention required'): Promise<void> {",
    '  const rl = createInterface({ input: process.stdin, output: process.stdout });',
    "  await rl.question(`${reason} (press Enter to continue) `);",
    '  rl.close();',
    '}',
  ],
  input: [
    '/** Asks at the terminal, like the workflow\'s input step. */',
    'async function input(prompt: string): Promise<string> {',
    '  const rl = createInterface({ input: process.stdin, output: process.stdout });',
    '  const answer = await rl.question(`${prompt} `);',
    '  rl.close();',
    '  return answer;',
    '}',
  ],
};

function signature(params: readonly ParameterInfo[]): string {
  return params.map((p) => `${tsIdent(p.name)}: ${tsType(p.type)}`).join(', ');
}

function functionLines(ctx: RenderContext, header: string, nodes: readonly WorkflowNode[], params: readonly ParameterInfo[], outputs: readonly string[]): string[] {
  const writer = new StatementWriter(ctx, nodes, params.map((p) => p.name), '  ');
  const assigned = new Set(writer.assignedNames());
  const returned = outputs.filter((o) => assigned.has(o));
  return [
    `${header} {`,
    ...writer.lines,
    ...(returned.length ? [`  return { ${returned.map(tsProperty).join(', ')} };`] : []),
    '}',
  ];
}

function batchLines(ctx: RenderContext, name: string, nodes: readonly WorkflowNode[], params: readonly ParameterInfo[], outputs: readonly string[]): string[] {
  const lines: string[] = [];
  const sample = params.length ? `{ ${params.map((p) => `${p.name}: ${tsType(p.type)}`).join('; ')} } & Record<string, unknown>` : 'Record<string, unknown>';
  if (params.length) lines.push(`export async function ${name}(paramList: Array<${sample}>) {`);
  else {
    lines.push(`export async function ${name}(n: number) {`);
    lines.push(`  const paramList: Array<${sample}> = Array.from({ length: n }, () => ({}));`);
  }
  lines.push('  // Batch mode is experimental and may have bugs.');
  const known = new Set([...params.map((p) => p.name), ...outputs]);
  const typeOf = new Map(params.map((p) => [p.name, tsType(p.type)]));
  // Variables saved by earlier steps come back out of `param` with the type they were saved with.
  const savedTypes = new Map([...analyseAssignments(nodes, ctx.schema)].map(([n, a]) => [n, a.type]));
  for (const node of nodes) {
    const writes = [...analyseAssignments([node], ctx.schema).keys()];
    const reads = nodeReads(node).filter((n) => known.has(n) || typeOf.has(n));
    const once = node.action.batch_action === true && node.kind !== 'if' && node.kind !== 'while' && node.kind !== 'repeat';
    const inner = '    ';
    lines.push(once ? '  {' : '  for (const param of paramList) {');
    if (once) lines.push(`${inner}const param = paramList[0];`);
    for (const read of reads) {
      const saved = savedTypes.get(read);
      const cast = typeOf.has(read) || !saved ? '' : ` as ${saved}`;
      lines.push(`${inner}${writes.includes(read) ? 'let' : 'const'} ${tsIdent(read)} = param.${read}${cast};`);
    }
    const writer = new StatementWriter(ctx, [node], reads, inner);
    lines.push(...writer.lines);
    for (const write of writes) {
      lines.push(once ? `${inner}for (const other of paramList) other.${write} ??= ${tsIdent(write)};` : `${inner}param.${write} = ${tsIdent(write)};`);
    }
    lines.push('  }');
    writes.forEach((w) => known.add(w));
  }
  lines.push('  return paramList;', '}');
  return lines;
}

/**
 * The workflow as readable TypeScript, like IvoryOS's generated Python: the script phase is a function of
 * the run parameters returning the outputs, prep and cleanup get their own functions, flow control
 * becomes if/else/while/for, tuple returns are destructured, embedded workflows become functions.
 */
export function renderWorkflow(doc: Pick<WorkflowDocument, 'script_dict'> & Partial<WorkflowDocument>, options: RenderOptions = {}): string {
  const name = validateFunctionName(doc.name || 'untitled');
  const deckName = doc.deck || 'deck';
  const head = [`// ${name}: generated by IvoryOS-TS from the workflow JSON, for reading; the engine runs the JSON itself.`];
  const parsed = parseWorkflow(doc);
  if (!parsed.workflow) {
    return [...head, '// The workflow cannot be rendered until its structure is fixed:',
      ...parsed.errors.map((e) => `// - ${e.phase} step ${e.stepId ?? '-'}: ${e.message}`), ''].join('\n');
  }
  const { parameters, outputs } = validateWorkflow(doc, options.schema);
  const ctx: RenderContext = { schema: options.schema, helpers: new Set(), workflows: new Map() };
  const phases = parsed.workflow.phases;
  const body: string[][] = [];
  const phaseFunction = (key: PhaseKey, suffix: string): void => {
    if (phases[key].nodes.length) body.push(functionLines(ctx, `export async function ${name}${suffix}()`, phases[key].nodes, [], []));
  };
  phaseFunction('prep', '_prep');
  body.push(options.mode === 'batch'
    ? batchLines(ctx, name, phases.script.nodes, parameters, outputs)
    : functionLines(ctx, `export async function ${name}(${signature(parameters)})`, phases.script.nodes, parameters, outputs));
  phaseFunction('cleanup', '_cleanup');

  const rendered = new Set<string>();
  for (let pending = [...ctx.workflows]; pending.length; pending = [...ctx.workflows].filter(([fn]) => !rendered.has(fn))) {
    for (const [fn, { actions, params }] of pending) {
      rendered.add(fn);
      body.push(embeddedFunction(ctx, fn, actions, params));
    }
  }

  const imports = [`import * as deck from ${tsString(deckName)};`];
  if (ctx.helpers.has('pause') || ctx.helpers.has('input')) imports.push("import { createInterface } from 'node:readline/promises';");
  const helpers = (['sleep', 'pause', 'input'] as const).filter((h) => ctx.helpers.has(h)).map((h) => HELPERS[h].join('\n'));
  return [...head, ...imports, '', ...helpers.flatMap((h) => [h, '']), ...body.flatMap((lines) => [...lines, ''])].join('\n');
}

function embeddedFunction(ctx: RenderContext, fn: string, actions: WorkflowAction[], params: string[]): string[] {
  const nested = nestActions(actions, 'script', `embedded.${fn}`);
  if (!nested.block) return [`// ${fn}: the embedded workflow has structural errors and is not rendered`];
  const { parameters, outputs } = validateWorkflow({ script_dict: { prep: [], script: actions, cleanup: [] } }, ctx.schema);
  // Call args the workflow never reads still appear, so every call site matches the signature.
  const all = params.map((name) => parameters.find((p) => p.name === name) ?? { name, type: 'any', firstUse: { phase: 'script' as const, stepId: 0 } });
  return functionLines(ctx, `async function ${fn}(${signature(all)})`, nested.block.nodes, all, outputs);
}
