import type { JsonObject, JsonValue, RunEventType } from '@ivoryos/contracts';
import { BadInput } from '../../common/domain-errors';

/** One row of the run event ledger, as read for live views and logs. */
export interface LedgerRow {
  seq: number;
  type: RunEventType;
  /** The event without its type; null for checkpoints. */
  payload: JsonValue | null;
  at: Date;
}

/** SSE event names of the live view, declared once for the server and its clients. */
export const SSE_EVENTS = {
  snapshot: 'snapshot',
  status: 'status',
  prompt: 'prompt',
  step: 'step',
  phase: 'phase',
  progress: 'progress',
  log: 'log',
  command: 'command',
  /** Last message of a stream whose run finished: clients should close instead of reconnecting. */
  end: 'end',
} as const;
export type SseEventName = (typeof SSE_EVENTS)[keyof typeof SSE_EVENTS];

export interface SseFrame {
  event: SseEventName;
  /** The ledger seq; a client sends the last one back as Last-Event-ID when it reconnects. */
  id?: number;
  data: JsonValue;
}

const EVENT_FOR: Record<RunEventType, SseEventName | null> = {
  'run.status': SSE_EVENTS.status,
  'phase.started': SSE_EVENTS.phase,
  'phase.finished': SSE_EVENTS.phase,
  'step.started': SSE_EVENTS.step,
  'step.finished': SSE_EVENTS.step,
  progress: SSE_EVENTS.progress,
  log: SSE_EVENTS.log,
  command: SSE_EVENTS.command,
  // Checkpoints are the agent's resume state, not news for a viewer.
  checkpoint: null,
};

/**
 * The SSE frames of one ledger event, each with the event's seq as its id and data
 * `{ seq, at, type, ...payload }`. A status that carries a waiting prompt is followed by a
 * `prompt` frame with the same data, so clients can listen for prompts alone.
 */
export function framesForLedgerRow(row: LedgerRow): SseFrame[] {
  const event = EVENT_FOR[row.type];
  if (!event) return [];
  const payload: JsonObject = row.payload && typeof row.payload === 'object' && !Array.isArray(row.payload) ? row.payload : {};
  const data: JsonObject = { seq: row.seq, at: row.at.toISOString(), type: row.type, ...payload };
  const frames: SseFrame[] = [{ event, id: row.seq, data }];
  if (row.type === 'run.status' && payload.status === 'waiting' && payload.waiting) frames.push({ event: SSE_EVENTS.prompt, id: row.seq, data });
  return frames;
}

/** One SSE message. Data is JSON on one line, so no field can span or break frames. */
export function formatSseFrame(frame: SseFrame): string {
  const id = frame.id !== undefined ? `id: ${frame.id}\n` : '';
  return `event: ${frame.event}\n${id}data: ${JSON.stringify(frame.data)}\n\n`;
}

/** An SSE comment: ignored by clients, keeps proxies from closing an idle connection. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** How long a client waits before reconnecting after the connection drops. */
export function formatSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/**
 * The client's position: the `Last-Event-ID` header (sent by EventSource on reconnect), else the
 * `lastEventId` query parameter (for clients that cannot set headers). Undefined when neither is
 * given; 400 for anything but a non-negative integer.
 */
export function parseLastEventId(header: string | string[] | undefined, query: unknown): number | undefined {
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const [value, field] = fromHeader !== undefined && fromHeader.trim() !== '' ? [fromHeader, 'Last-Event-ID'] : [query, 'lastEventId'];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\s*\d{1,15}\s*$/.test(value)) throw BadInput.field(field, 'must be the id of an event this stream sent (a non-negative integer)');
  return Number(value.trim());
}
