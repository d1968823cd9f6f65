import type { JsonValue, RunEventType } from '@ivoryos/contracts';

/** Ledger event types that make up a run's log. */
export const LOG_EVENT_TYPES: readonly RunEventType[] = ['log', 'run.status'];

type Fields = { readonly [key: string]: JsonValue | undefined };

/**
 * One line of a run's log: `<ISO time> <LEVEL> <message>`. Status changes read `status running`,
 * `status waiting: <prompt message>`, `status failed: <error>`. Line breaks inside a message are
 * written as `\n`, so every event stays one line (and a message cannot forge another line).
 * Undefined for events that are not part of the log.
 */
export function formatLogLine(type: RunEventType, fields: Fields | null, at: Date | string): string | undefined {
  const time = new Date(at).toISOString();
  const f = fields ?? {};
  if (type === 'log') {
    const level = typeof f.level === 'string' ? f.level.toUpperCase() : 'INFO';
    return `${time} ${level} ${oneLine(text(f.message))}`;
  }
  if (type !== 'run.status') return undefined;
  const status = text(f.status);
  const waiting = f.waiting && typeof f.waiting === 'object' && !Array.isArray(f.waiting) ? f.waiting : undefined;
  const detail = status === 'waiting' && waiting ? text(waiting.message) : status === 'failed' || status === 'stopped' ? text(f.error) : '';
  const level = status === 'failed' ? 'ERROR' : status === 'waiting' ? 'WARN' : 'INFO';
  return `${time} ${level} status ${status}${detail ? `: ${oneLine(detail)}` : ''}`;
}

function text(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
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
