import { z } from 'zod';

/** Any value that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Message fields holding arbitrary JSON. Every message crosses a process as JSON text (a stream
 * entry, a BullMQ job's data or result), so whatever is present is JSON already: only presence
 * is checked here, not each nested value again (that is what keeps a run event's parse in µs).
 */
export const jsonValue = z.custom<JsonValue>((v) => v !== undefined, { message: 'must be a JSON value' });
export const jsonObject = z.custom<JsonObject>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'must be an object' });
