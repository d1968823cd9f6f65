import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '../../common/domain-errors';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { BUILT_IN } from '../submit/optimizer-run-plan';
import type { OptimizerRunPlan } from '../submit/optimizer-run-plan';
import { RunLedger } from './run-ledger';
import { formatLogLine, LOG_EVENT_TYPES, type RunLogContext } from './run-log-format';

const PAGE = 2000;

@Injectable()
export class RunLogService {
  constructor(
    private readonly ledger: RunLedger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * A run's log from the ledger, in pages of lines (each ending in `\n`). Resolves only once the
   * run is known to exist (404 otherwise), so callers can answer errors before sending anything.
   * `steps`: one line per step (default `IVORYOS_RUN_LOG_STEPS`); false keeps the steps that did not complete.
   */
  async open(runId: string, deckScope?: string, steps?: boolean): Promise<AsyncIterable<string>> {
    const run = await this.ledger.position(runId, deckScope);
    if (!run) throw new NotFound('run', runId);
    const ledger = this.ledger;
    const plan = await ledger.optimizerPlan(runId);
    const header = plan ? `${run.createdAt.toISOString()} INFO ${optimizerLine(plan)}\n` : '';
    const ctx: RunLogContext = {
      total: await ledger.mainTotal(runId),
      steps: steps ?? this.config.env.IVORYOS_RUN_LOG_STEPS,
      issuedBy: await ledger.commandIssuers(runId),
    };
    return (async function* pages() {
      let after = 0;
      if (header) yield header;
      for (;;) {
        const rows = await ledger.rows(runId, after, run.lastSeq, PAGE, LOG_EVENT_TYPES);
        if (!rows.length) return;
        after = rows[rows.length - 1].seq;
        const lines = rows.map((r) => formatLogLine(r.type, isObject(r.payload) ? r.payload : null, r.at, ctx)).filter((l) => l !== undefined);
        if (lines.length) yield `${lines.join('\n')}\n`;
        if (rows.length < PAGE) return;
      }
    })();
  }
}

function isObject<T>(v: T): v is Extract<T, Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The run log's first line for an optimizer run: what chose its trials, with the campaign's size and seed. */
export function optimizerLine(plan: OptimizerRunPlan): string {
  const by = plan.servedBy ?? `${BUILT_IN}${plan.config.algorithm && plan.config.algorithm !== 'gp-logei' ? `, algorithm ${plan.config.algorithm}` : ''}`;
  const seeded = plan.seeded.length ? `, ${plan.seeded.length} seeded trials` : '';
  return `Optimizer: ${by}; budget ${plan.budget} trials, batch size ${plan.batchSize}, seed ${plan.seed}${seeded}`;
}
