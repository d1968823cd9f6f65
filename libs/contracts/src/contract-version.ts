import { z } from 'zod';

/**
 * Version of the messages gateway and agents exchange (jobs, commands, agent messages). Raise it
 * when a change would make one side misread the other; a registration of another version is refused.
 * Not to be confused with `DeckSchema.schemaVersion`, the version of the deck schema's own format.
 */
export const CONTRACT_VERSION = 1;
/** The contract versions this build reads and writes. */
export const SPOKEN_CONTRACT_VERSIONS: readonly number[] = [CONTRACT_VERSION];

export const contractVersion = z.literal(CONTRACT_VERSION);

export type MessageCheck<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      errors: string[];
      /** Set when the message is of a contract version this side does not speak (null: it names none). */
      version?: { theirs: number | null; ours: readonly number[] };
    };

/**
 * Checks a received message against its schema. The contract version is looked at first, so a message
 * of another version is reported as such rather than as a list of field errors.
 */
export function checkMessage<S extends z.ZodType>(schema: S, value: unknown): MessageCheck<z.output<S>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['payload: must be an object'] };
  const theirs = (value as { schemaVersion?: unknown }).schemaVersion;
  if (!SPOKEN_CONTRACT_VERSIONS.includes(theirs as number)) {
    const named = typeof theirs === 'number' ? theirs : null;
    return { ok: false, errors: [`schemaVersion: ${versionText(named)}; this side speaks ${SPOKEN_CONTRACT_VERSIONS.join(', ')}`], version: { theirs: named, ours: SPOKEN_CONTRACT_VERSIONS } };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: issueLines(parsed.error) };
}

/** Parses a message's JSON text, then checks it as `checkMessage` does. */
export function checkMessageText<S extends z.ZodType>(schema: S, text: string | undefined): MessageCheck<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return { ok: false, errors: ['payload: not JSON'] };
  }
  return checkMessage(schema, value);
}

/** One line per problem, located by its path (`envelope.event.status: …`). */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : 'payload'}: ${issue.message}`);
}

export function versionText(version: number | null): string {
  return version === null ? 'the message names no contract version (an agent from before versioned contracts)' : `the message is contract version ${version}`;
}
