import { Injectable } from '@nestjs/common';
import { NotFound } from '../../common/domain-errors';
import { RunLedger } from './run-ledger';
import { formatLogLine, LOG_EVENT_TYPES } from './run-log-format';

const PAGE = 2000;

@Injectable()
export class RunLogService {
  constructor(private readonly ledger: RunLedger) {}

  /**
   * A run's log from the ledger, in pages of lines (each ending in `\n`). Resolves only once the
   * run is known to exist (404 otherwise), so callers can answer errors before sending anything.
   */
  async open(runId: string, deckScope?: string): Promise<AsyncIterable<string>> {
    const run = await this.ledger.position(runId, deckScope);
    if (!run) throw new NotFound('run', runId);
    const ledger = this.ledger;
    return (async function* pages() {
      let after = 0;
      for (;;) {
        const rows = await ledger.rows(runId, after, run.lastSeq, PAGE, LOG_EVENT_TYPES);
        if (!rows.length) return;
        after = rows[rows.length - 1].seq;
        const lines = rows.map((r) => formatLogLine(r.type, isObject(r.payload) ? r.payload : null, r.at)).filter((l) => l !== undefined);
        if (lines.length) yield `${lines.join('\n')}\n`;
        if (rows.length < PAGE) return;
      }
    })();
  }
}

function isObject<T>(v: T): v is Extract<T, Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
