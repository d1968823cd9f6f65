import type { HardwareLock } from './hardware-lock';
import type { Logger } from './logger';
import { errorText } from './registration';

/**
 * Calls the deck module's exported `safe_state()` under the hardware lock (so after the driver call
 * in progress), when it exports one. Never throws: a failing safe state is logged, the caller goes on.
 */
export async function callSafeState(exports: object, lock: HardwareLock, logger: Logger, reason: string): Promise<void> {
  const safeState = (exports as Record<string, unknown>)['safe_state'];
  if (typeof safeState !== 'function') {
    logger.info({ reason }, 'the deck exports no safe_state(); nothing to call');
    return;
  }
  try {
    await lock.runExclusive(() => (safeState as () => unknown).call(exports));
    logger.info({ reason }, 'safe_state() done');
  } catch (err) {
    logger.error({ reason, err: errorText(err) }, 'safe_state() failed');
  }
}
