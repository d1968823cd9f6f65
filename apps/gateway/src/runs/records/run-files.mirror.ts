import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { FINAL_RUN_STATUSES, type EventEnvelope, type JsonValue } from '@ivoryos/contracts';
import { toCsv } from '../../common/csv';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { RunUpdates, type RunUpdate } from '../ingest/run-updates';
import { RunsService } from '../runs.service';
import { RunLedger } from './run-ledger';
import { formatLogLine, resultsFileName, runLogFileName, type RunLogContext } from './run-log-format';

type Fields = { readonly [key: string]: JsonValue | undefined };

/**
 * Mirrors runs into `<dataDir>` as IvoryOS lays it out: `logs/<run>_<id>.log`, appended as each
 * batch is ingested, and `results/<run>_<start>.csv` once a run ends. Fed by this process's
 * ingestion commits only: each batch is ingested by one replica, so each line is written once.
 * Mirrors, never sources: the API reads PostgreSQL, and a failed write is only logged.
 */
@Injectable()
export class RunFilesMirror implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RunFilesMirror.name);
  /** Writes of one run, chained so its lines stay in seq order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Main-phase iterations per run being mirrored (read once per run). */
  private readonly totals = new Map<string, number | null>();
  private subscription?: Subscription;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly em: EntityManager,
    private readonly updates: RunUpdates,
    private readonly runs: RunsService,
    private readonly ledger: RunLedger,
  ) {}

  onModuleInit(): void {
    this.subscription = this.updates.committed.subscribe((u) => this.enqueue(u));
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.settled();
  }

  /** Resolves when every write queued so far is done (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private enqueue(u: RunUpdate): void {
    const previous = this.chains.get(u.runId) ?? Promise.resolve();
    const next = previous.then(() => this.mirror(u)).catch((err: Error) => this.logger.warn(`mirroring run ${u.runId}: ${err.message}`));
    this.chains.set(u.runId, next);
    void next.finally(() => {
      if (this.chains.get(u.runId) === next) this.chains.delete(u.runId);
    });
  }

  private async mirror(u: RunUpdate): Promise<void> {
    const ctx = await this.logContext(u);
    const lines = u.events
      .map((env: EventEnvelope) => formatLogLine(env.event.type, env.event as unknown as Fields, env.at, ctx))
      .filter((l) => l !== undefined);
    if (lines.length) {
      const dir = join(this.config.dataDir, 'logs');
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, runLogFileName(u.name, u.runId)), `${lines.join('\n')}\n`);
    }
    const ended = u.events.some((env) => env.event.type === 'run.status' && FINAL_RUN_STATUSES.includes(env.event.status));
    if (ended) this.totals.delete(u.runId);
    if (ended && FINAL_RUN_STATUSES.includes(u.status)) await this.writeResults(u.runId);
  }

  /** The same lines as `GET /api/runs/:id/log` gives with the default settings; read only when a batch needs them. */
  private async logContext(u: RunUpdate): Promise<RunLogContext> {
    let total = this.totals.get(u.runId);
    if (total === undefined && u.events.some((e) => e.event.type === 'phase.started' && e.event.phase === 'main')) {
      total = await this.ledger.mainTotal(u.runId);
      this.totals.set(u.runId, total);
    }
    const commands = u.events.some((e) => e.event.type === 'command');
    return {
      total: total ?? null,
      steps: this.config.env.IVORYOS_RUN_LOG_STEPS,
      issuedBy: commands ? await this.ledger.commandIssuers(u.runId) : new Map(),
    };
  }

  /** The same table as `GET /api/runs/:id/results.csv`, named like IvoryOS's `data_path`. */
  private async writeResults(runId: string): Promise<void> {
    const run = await this.ledger.position(runId);
    if (!run) return;
    // RunsService uses the request's entity manager; outside a request it needs a context of its own.
    const table = await RequestContext.create(this.em, () => this.runs.results(runId));
    // IvoryOS keeps no results file for a run that produced no data.
    if (!table.rows.length) return;
    const dir = join(this.config.dataDir, 'results');
    await mkdir(dir, { recursive: true });
    const name = resultsFileName(run.name, run.startedAt ?? run.createdAt);
    const csv = toCsv(table.columns, table.rows);
    try {
      await writeFile(join(dir, name), csv, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another run of the same name started in the same second: keep both.
      await writeFile(join(dir, name.replace(/\.csv$/, `_${runId.slice(0, 8)}.csv`)), csv);
    }
    this.logger.log(`run ${runId}: results copied to results/${name}`);
  }
}
