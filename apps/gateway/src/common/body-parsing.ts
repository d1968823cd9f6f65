import express, { type NextFunction, type Request, type Response } from 'express';
import type { INestApplication } from '@nestjs/common';
import type { ErrorBody } from '@ivoryos/contracts';
import { rejectHostileInput } from './hostile-input';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  message?: string;
  limit?: number;
}

/**
 * JSON and form bodies with an explicit limit, then the hostile-input check (rejectHostileInput). Parser failures (malformed JSON, too large,
 * bad charset) are answered here in the common error shape; Nest's filters never see them.
 */
export function installBodyParsing(app: INestApplication, limit: string): void {
  app.use(express.json({ limit, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: false, limit }));
  app.use((err: BodyParserError, _req: Request, res: Response, next: NextFunction) => {
    const status = err?.status ?? err?.statusCode;
    if (!err?.type || !status || status >= 500) return next(err);
    const message = bodyErrorMessage(err, limit);
    const body: ErrorBody = { statusCode: status, error: status === 413 ? 'Payload Too Large' : 'Bad Request', message, errors: [{ path: 'body', message }] };
    res.status(status).json(body);
  });
  // After parsing, before any route: nesting and text no route could handle are a 400 here.
  app.use(rejectHostileInput);
}

function bodyErrorMessage(err: BodyParserError, limit: string): string {
  switch (err.type) {
    case 'entity.parse.failed':
      return `body is not valid JSON: ${err.message ?? 'parse error'}`;
    case 'entity.too.large':
      return `body is larger than the limit of ${limit}`;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return `body encoding is not supported: ${err.message ?? ''}`.trim();
    default:
      return err.message ?? 'body could not be read';
  }
}
