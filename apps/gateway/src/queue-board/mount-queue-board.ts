import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeysService } from '../auth/api-keys.service';
import { authenticateRequest } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { roleAllows } from '../auth/roles';
import type { RequestWithActor } from '../common/actor';
import { DomainError } from '../common/domain-errors';
import { QUEUE_BOARD_PATH, QueueBoardService } from './queue-board.service';

/**
 * Serves bull-board at /ops/queues, outside Nest's routes (it is an Express router), behind the
 * same sign-in as the API: admins only (401 without credentials, 403 for other roles), with the
 * API's error shape.
 */
export function mountQueueBoard(app: INestApplication): void {
  const auth = app.get(AuthService, { strict: false });
  const keys = app.get(ApiKeysService, { strict: false });
  const board = app.get(QueueBoardService, { strict: false });
  const adminsOnly = (req: Request, res: Response, next: NextFunction): void => {
    authenticateRequest(req as RequestWithActor, auth, keys)
      .then(async (actor) => {
        if (!roleAllows(actor.role, 'admin')) {
          res.status(403).json({ message: `Needs role admin or higher; ${actor.name} is ${actor.role}` });
          return;
        }
        await board.refresh();
        next();
      })
      .catch((err: unknown) => {
        if (!(err instanceof DomainError)) return next(err);
        if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="ivoryos"');
        res.status(err.status).json({ message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
      });
  };
  app.use(QUEUE_BOARD_PATH, adminsOnly, board.router());
}
