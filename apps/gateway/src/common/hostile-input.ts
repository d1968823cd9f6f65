import type { NextFunction, Request, Response } from 'express';
import type { ErrorBody, FieldError } from '@ivoryos/contracts';
import { joinPath } from './field-path';

/**
 * Deepest nesting a request may have. Workflows with embedded workflows nest about 30 levels;
 * class-transformer and class-validator recurse once per level and overflow the stack near a few
 * thousand, which would be a 500.
 */
export const MAX_DEPTH = 100;

/** NUL (PostgreSQL text and jsonb cannot hold it) and UTF-16 halves without their partner (jsonb refuses them). */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first problem in a parsed body or query that no route can handle: nesting beyond MAX_DEPTH,
 * or text PostgreSQL cannot store (in a key or a value). Walks without recursion, so the check
 * itself cannot overflow. Paths are named as validation errors name them (`parameters[3].temp`).
 */
export function findHostileValue(value: unknown, root = ''): FieldError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.value === 'string') {
      if (UNSTORABLE.test(item.value)) return { path: item.path || 'body', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' };
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= MAX_DEPTH) return { path: item.path || 'body', message: `nests deeper than ${MAX_DEPTH} levels` };
    const entries: [string | number, unknown][] = Array.isArray(item.value) ? item.value.map((v, i) => [i, v]) : Object.entries(item.value);
    for (const [key, child] of entries) {
      const path = joinPath(item.path, key);
      if (typeof key === 'string' && UNSTORABLE.test(key)) return { path: path || 'body', message: 'names must not contain NUL characters or unpaired UTF-16 surrogates' };
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/** Express middleware after the body parsers: 400 in the common error shape for what findHostileValue finds. */
export function rejectHostileInput(req: Request, res: Response, next: NextFunction): void {
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(req.path);
  } catch {
    return refuse(res, { path: 'path', message: 'is not valid percent-encoding' });
  }
  if (UNSTORABLE.test(decodedPath)) return refuse(res, { path: 'path', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' });
  const problem = findHostileValue(req.query) ?? findHostileValue(req.body);
  if (problem) return refuse(res, problem);
  next();
}

function refuse(res: Response, error: FieldError): void {
  const message = `${error.path}: ${error.message}`;
  const body: ErrorBody = { statusCode: 400, error: 'Bad Request', message, errors: [error] };
  res.status(400).json(body);
}
