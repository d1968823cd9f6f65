import type { DeckSchema, JsonObject, JsonValue, WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';
import { compileExpression, ExpressionSyntaxError, type CompiledExpression } from '../expression';
import type { Block, ParsedWorkflow, WorkflowIssue, WorkflowNode } from '../model';
import { parseWorkflow } from '../parse';
import type { Frame } from './state';
import { CheckpointError } from '../checkpoint';
import { convertLiteralArgs } from '../literal-args';
import { setOwn } from '../names';
import { argumentReference, MissingValueError, substituteText } from '../references';

/** How to build one argument: a fixed value, a variable (`#name`), or a text with `#name`s in it. */
type ArgPart = { key: string; value: JsonValue; ref: string | null; text: string | null };

const FRAME_NODE = { if: 'if', repeat: 'repeat', while: 'while', call: 'workflow' } as const;

/** The workflow cannot be run: its markers do not nest. */
export class WorkflowStructureError extends Error {
  override readonly name = 'WorkflowStructureError';
  constructor(readonly issues: WorkflowIssue[]) {
    super(`The workflow has structural errors: ${issues.map((i) => `${i.phase} step ${i.stepId ?? '-'}: ${i.message}`).join('; ')}`);
  }
}

/** FNV-1a, enough to notice that a checkpoint belongs to another workflow or plan. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** A parsed workflow with its expressions and literal arguments prepared once. */
export class Program {
  readonly parsed: ParsedWorkflow;
  private readonly expressions = new Map<string, CompiledExpression | ExpressionSyntaxError>();
  private readonly literals = new WeakMap<WorkflowAction, JsonObject>();
  private readonly plans = new WeakMap<WorkflowAction, ArgPart[]>();

  constructor(workflow: Pick<WorkflowDocument, 'script_dict'>, private readonly schema?: DeckSchema) {
    const { workflow: parsed, errors } = parseWorkflow(workflow);
    if (!parsed) throw new WorkflowStructureError(errors);
    this.parsed = parsed;
  }

  block(id: string): Block {
    const block = this.parsed.blocks.get(id);
    if (!block) throw new Error(`Checkpoint refers to block '${id}', which this workflow does not have`);
    return block;
  }

  node(blockId: string, index: number): WorkflowNode {
    const node = this.block(blockId).nodes[index];
    if (!node) throw new Error(`Checkpoint refers to step ${index} of block '${blockId}', which does not exist`);
    return node;
  }

  /** Every frame of a checkpoint must point at a block and node this workflow has. */
  checkFrames(stack: readonly Frame[]): void {
    for (const frame of stack) {
      try {
        if (frame.t === 'seq') this.block(frame.block);
        else if (this.node(frame.block, frame.at).kind !== FRAME_NODE[frame.t]) throw new Error(`a ${frame.t} frame points at another kind of step`);
      } catch (error) {
        throw new CheckpointError((error as Error).message);
      }
    }
  }

  /** Compiled once per text; a syntax error is thrown every time it is asked for. */
  expression(source: string): CompiledExpression {
    let entry = this.expressions.get(source);
    if (!entry) {
      try {
        entry = compileExpression(source);
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        entry = error;
      }
      this.expressions.set(source, entry);
    }
    if (entry instanceof ExpressionSyntaxError) throw entry;
    return entry;
  }

  /**
   * The action's args for one sample: literals converted to their declared types, references resolved.
   * Throws {@link MissingValueError} for a reference without a value.
   */
  resolveArgs(action: WorkflowAction, vars: Readonly<Record<string, JsonValue>>): JsonObject {
    let plan = this.plans.get(action);
    if (!plan) {
      // Classified once per action, so a step in a loop does not re-run the reference regexes.
      plan = Object.entries(this.literalArgs(action)).map(([key, value]) => {
        const ref = argumentReference(value);
        if (ref?.kind === 'exact' || ref?.kind === 'legacy') return { key, value, ref: ref.name, text: null };
        return { key, value, ref: null, text: ref?.kind === 'text' ? (value as string) : null };
      });
      this.plans.set(action, plan);
    }
    const out: JsonObject = {};
    for (const part of plan) {
      let value = part.value;
      if (part.ref !== null) {
        if (!Object.hasOwn(vars, part.ref)) throw new MissingValueError(part.ref);
        value = vars[part.ref];
      } else if (part.text !== null) value = substituteText(part.text, vars, 'throw');
      setOwn(out, part.key, value);
    }
    return out;
  }

  /** The action's args with literals converted to their declared types, computed once per action. */
  literalArgs(action: WorkflowAction): JsonObject {
    let args = this.literals.get(action);
    if (!args) {
      args = convertLiteralArgs(action, this.schema);
      this.literals.set(action, args);
    }
    return args;
  }
}
