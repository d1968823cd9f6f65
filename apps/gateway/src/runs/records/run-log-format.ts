import type { JsonValue, RunEventType } from '@ivoryos/contracts';

/** Ledger event types that make up a run's log. */
export const LOG_EVENT_TYPES: readonly RunEventType[] = ['log', 'run.status', 'phase.started', 'phase.finished', 'step.started', 'step.finished', 'command'];

type Fields = { readonly [key: string]: JsonValue | undefined };

/** What a log line needs beyond its event: read once per run. */
export interface RunLogContext {
  /** Iterations (or batches) of the main phase; null when not known. */
  total: number | null;
  /**
   * One line per step. False keeps only steps that did not complete (failed, skipped, interrupted)
   * and waits: what a 10,000-step run's log needs (`IVORYOS_RUN_LOG_STEPS`, `?steps=`).
   */
  steps: boolean;
  /** Who sent each operator command, by command id. */
  issuedBy: ReadonlyMap<string, string>;
}

const NO_CONTEXT: RunLogContext = { total: null, steps: true, issuedBy: new Map() };

/**
 * One line of a run's log: `<ISO time> <LEVEL> <message>`, saying at least what IvoryOS's run log
 * says: each phase (`Executing prep steps`), each iteration with its parameters (`Executing 2 of 3
 * with kwargs = [...]`), each step's method, arguments and outcome, waits, operator controls and who
 * sent them, status changes (`status waiting: <prompt>`, `status failed: <error>`) and the run's own
 * log messages. Line breaks inside a message are written as `\n`, so every event stays one line
 * (and a message cannot forge another line). Undefined for events that are not part of the log.
 */
export function formatLogLine(type: RunEventType, fields: Fields | null, at: Date | string, ctx: RunLogContext = NO_CONTEXT): string | undefined {
  const line = logEntry(type, fields ?? {}, ctx);
  return line ? `${new Date(at).toISOString()} ${line.level} ${oneLine(line.message)}` : undefined;
}

type Entry = { level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'; message: string } | undefined;

function logEntry(type: RunEventType, f: Fields, ctx: RunLogContext): Entry {
  switch (type) {
    case 'log':
      return { level: typeof f.level === 'string' ? (f.level.toUpperCase() as 'INFO') : 'INFO', message: text(f.message) };
    case 'run.status':
      return statusEntry(f);
    case 'phase.started':
      return { level: 'INFO', message: phaseStart(f, ctx) };
    case 'phase.finished':
      return { level: 'INFO', message: f.phase === 'main' ? `Output value: ${text(f.outputs ?? [])}` : `Finished ${text(f.phase)} steps` };
    case 'step.started':
      // A step is one line, written when it ends; a wait says how long it holds the deck.
      return f.instrument === 'wait' ? { level: 'INFO', message: `Waiting ${text(obj(f.args).statement)} s` } : undefined;
    case 'step.finished':
      return stepEntry(f, ctx);
    case 'command':
      return commandEntry(f, ctx);
    default:
      return undefined;
  }
}

function statusEntry(f: Fields): Entry {
  const status = text(f.status);
  const waiting = f.waiting && typeof f.waiting === 'object' && !Array.isArray(f.waiting) ? f.waiting : undefined;
  const detail = status === 'waiting' && waiting ? text(waiting.message) : status === 'failed' || status === 'stopped' ? text(f.error) : '';
  const level = status === 'failed' ? 'ERROR' : status === 'waiting' ? 'WARN' : 'INFO';
  return { level, message: `status ${status}${detail ? `: ${detail}` : ''}` };
}

function phaseStart(f: Fields, ctx: RunLogContext): string {
  if (f.phase !== 'main') return `Executing ${text(f.phase)} steps`;
  const of = `${text(f.repeatIndex)} of ${ctx.total ?? '?'}`;
  return Array.isArray(f.parameters) ? `Executing ${of} with kwargs = ${text(f.parameters)}` : `Executing iteration ${of}`;
}

function stepEntry(f: Fields, ctx: RunLogContext): Entry {
  const status = text(f.status);
  if (!ctx.steps && status === 'completed') return undefined;
  const instrument = text(f.instrument);
  const name = instrument.startsWith('deck.') ? `${instrument.slice(5)}.${text(f.methodName)}` : text(f.methodName);
  const where = f.phase === 'main' ? `iteration ${text(f.repeatIndex)}${typeof f.sample === 'number' && f.sample > 0 ? `, sample ${f.sample + 1}` : ''}` : text(f.phase);
  const attempt = typeof f.attempt === 'number' && f.attempt > 1 ? `, attempt ${f.attempt}` : '';
  const output = f.output === undefined || f.output === null ? '' : `, output ${text(f.output)}`;
  const error = f.error ? `: ${text(f.error)}` : '';
  const level = status === 'failed' ? 'ERROR' : status === 'completed' ? 'INFO' : 'WARN';
  return { level, message: `Step ${text(f.stepIndex)} (${where}${attempt}) '${name}' with args ${text(f.args ?? {})} ${status}${output}${error}` };
}

function commandEntry(f: Fields, ctx: RunLogContext): Entry {
  const by = ctx.issuedBy.get(text(f.commandId));
  const outcome = f.outcome === 'applied' ? 'applied' : `refused${f.reason ? `: ${text(f.reason)}` : ''}`;
  return { level: f.outcome === 'applied' ? 'INFO' : 'WARN', message: `Control ${text(f.command)}${by ? ` by ${by}` : ''}: ${outcome}` };
}

function obj(v: JsonValue | undefined): Fields {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function text(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  // Keys sorted: the ledger (jsonb) reorders them, and the API and the mirrored file must agree.
  return typeof v === 'string' ? v : JSON.stringify(sortKeys(v));
}

function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function oneLine(s: string): string {
  return s.replace(/\r\n|\r|\n/g, '\\n');
}

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A run name made safe as part of a file name on any OS: letters, digits, space, `.`, `_` and `-`
 * (everything else becomes `_`), no leading dots or trailing dots and spaces, at most 80
 * characters, never a Windows device name, never empty.
 */
export function sanitizeFileName(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\.{2,}/g, '_')
    .replace(/[^A-Za-z0-9 ._-]/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 80)
    .replace(/[.\s]+$/, '');
  if (RESERVED.test(s.split('.')[0])) s = `_${s}`;
  return s || 'run';
}

/** `<dataDir>/logs/<name>_<runId>.log`: one file per run, appended as its events are ingested. */
export function runLogFileName(runName: string, runId: string): string {
  return `${sanitizeFileName(runName)}_${runId}.log`;
}

/** `<name>_<YYYY-MM-DD HH-MM-SS>.csv` in the server's local time, as IvoryOS names results (`data_path`). */
export function resultsFileName(runName: string, time: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${time.getFullYear()}-${p(time.getMonth() + 1)}-${p(time.getDate())} ${p(time.getHours())}-${p(time.getMinutes())}-${p(time.getSeconds())}`;
  return `${sanitizeFileName(runName)}_${stamp}.csv`;
}
