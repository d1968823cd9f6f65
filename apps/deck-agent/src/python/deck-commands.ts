import type { DeckCommand } from '@ivoryos/contracts';
import type { Logger } from '../logger';
import { errorText } from '../registration';
import type { PythonDeck } from './python-deck';

/**
 * A deck command read from the command stream. `restart-bridge` (POST /api/decks/<deck>/restart) restarts a
 * Python deck's child: the way out of a hung or dead bridge. A driver call still running is cut and its step
 * becomes interrupted. A command issued before this agent started is stale: its bridge is new already.
 */
export function handleDeckCommand(command: DeckCommand, ctx: { python: PythonDeck | null; startedAt: string; logger: Logger }): void {
  const log = ctx.logger.child({ commandId: command.commandId, command: command.type, issuedBy: command.issuedBy });
  if (command.issuedAt && command.issuedAt < ctx.startedAt) {
    log.info({ issuedAt: command.issuedAt }, 'deck command from before this agent started: ignored');
    return;
  }
  if (!ctx.python) {
    log.warn('restart requested, but this deck is not a Python deck: nothing to restart');
    return;
  }
  ctx.python.restart(`operator ${command.issuedBy} asked for it`).then(
    () => log.info({ pythonPid: ctx.python?.pid }, 'python bridge restarted by the operator'),
    (err: unknown) => log.error({ err: errorText(err) }, 'python bridge restart failed; the deck stays degraded until the next call or another restart'),
  );
}
