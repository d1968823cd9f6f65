/* Helpers for the agent's run tests: workflows for the demo deck, a deck of the test's own with its
   agent processes, run.accept jobs, run events read back from the stream, commands written to it. */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import {
  CONTRACT_VERSION,
  BULL_PREFIX, jobNames, queueNames, STREAM_FIELD, streamKeys, type EventEnvelope, type RunCommand, type RunEvent, type RunJob,
  type WaitingPrompt, type WorkflowDocument,
} from '@ivoryos/contracts';
import { AgentProcess, callLog, cleanupDeck, streamMessages, TEST_REDIS_URL, uniqueDeck, waitFor, waitForMessage, type AgentProcessOptions } from './agent-harness';
import { runJob } from './workflow-builders';

export { block, step, workflow } from './workflow-builders';

export type EventOf<T extends RunEvent['type']> = EventEnvelope<Extract<RunEvent, { type: T }>>;

/** A deck of the test's own: its temp dir (data dir, call log), Redis, queue and agent processes. */
export class RunRig {
  readonly deck = uniqueDeck();
  readonly tmp = mkdtempSync(join(tmpdir(), 'ivoryos-runs-'));
  readonly calls = join(this.tmp, 'calls.log');
  readonly dataDir = join(this.tmp, 'data');
  readonly redis: Redis;
  readonly queue: Queue;
  readonly agents: AgentProcess[] = [];

  constructor(readonly redisUrl = TEST_REDIS_URL) {
    this.redis = new IORedis(redisUrl);
    this.queue = new Queue(queueNames.deck(this.deck), { connection: { url: redisUrl }, prefix: BULL_PREFIX });
  }

  get journalFile(): string {
    return join(this.dataDir, 'journal', `${this.deck}.jsonl`);
  }

  /** Starts an agent process and waits for its registration. */
  /** Starts an agent and waits for its registration (`registerTimeoutMs`: a loaded machine may need more). */
  async start(extra: Partial<AgentProcessOptions> = {}, registerTimeoutMs = 45_000): Promise<AgentProcess> {
    const agent = new AgentProcess({ deck: this.deck, dataDir: this.dataDir, redisUrl: this.redisUrl, env: { IVORYOS_SIM_CALL_LOG: this.calls }, ...extra });
    this.agents.push(agent);
    await waitForMessage(this.redis, this.deck, 'register', (m) => m.agent.pid === agent.pid, registerTimeoutMs);
    return agent;
  }

  job(wf: WorkflowDocument, over: Partial<RunJob> = {}): RunJob {
    return runJob(this.deck, wf, over);
  }

  /** Hands a run over as the gateway does: job id = run id, one attempt. */
  async accept(job: RunJob): Promise<RunJob> {
    await this.queue.add(jobNames.runAccept, job, { jobId: job.runId, attempts: 1 });
    return job;
  }

  /** Every run-event envelope of the run on the stream, as sent (re-sends included), in stream order. */
  async sent(runId: string): Promise<EventEnvelope[]> {
    return (await streamMessages(this.redis, this.deck)).flatMap((s) => (s.message.kind === 'run-event' && s.message.envelope.runId === runId ? [s.message.envelope] : []));
  }

  /** The run's events by seq, each once; a re-send must carry exactly what was sent before. */
  async events(runId: string): Promise<EventEnvelope[]> {
    const bySeq = new Map<number, EventEnvelope>();
    for (const e of await this.sent(runId)) {
      const earlier = bySeq.get(e.seq);
      if (earlier && JSON.stringify(earlier) !== JSON.stringify(e)) throw new Error(`seq ${e.seq} of run ${runId} was sent with two contents`);
      bySeq.set(e.seq, e);
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  waitForEvent<T extends RunEvent['type']>(runId: string, type: T, match: (e: EventOf<T>) => boolean = () => true, timeoutMs = 15_000): Promise<EventOf<T>> {
    return waitFor(`a '${type}' event of run ${runId}`, async () => {
      return (await this.events(runId)).find((e): e is EventOf<T> => e.event.type === type && match(e as EventOf<T>));
    }, timeoutMs);
  }

  waitForStatus(runId: string, status: string, timeoutMs = 15_000): Promise<EventOf<'run.status'>> {
    return this.waitForEvent(runId, 'run.status', (e) => e.event.status === status, timeoutMs);
  }

  /** The prompt of the run's `n`-th waiting status (1-based). */
  async waitForPrompt(runId: string, n = 1, timeoutMs = 15_000): Promise<WaitingPrompt> {
    const e = await waitFor(`waiting prompt #${n} of run ${runId}`, async () => {
      const waiting = (await this.events(runId)).filter((x): x is EventOf<'run.status'> => x.event.type === 'run.status' && x.event.status === 'waiting');
      return waiting[n - 1];
    }, timeoutMs);
    if (!e.event.waiting) throw new Error('waiting without a prompt');
    return e.event.waiting;
  }

  /** Writes a command as the gateway does; returns it. `id` forces the stream entry id. */
  async command(runId: string, type: RunCommand['type'], extra: Partial<RunCommand> = {}, id = '*'): Promise<RunCommand> {
    const command: RunCommand = { schemaVersion: CONTRACT_VERSION, commandId: randomUUID(), runId, type, promptId: null, issuedBy: 'int-test', issuedAt: new Date().toISOString(), ...extra };
    await this.redis.xadd(streamKeys.commands(this.deck), id, STREAM_FIELD, JSON.stringify(command));
    return command;
  }

  waitForAnswer(runId: string, commandId: string, timeoutMs = 15_000): Promise<EventOf<'command'>> {
    return this.waitForEvent(runId, 'command', (e) => e.event.commandId === commandId, timeoutMs);
  }

  /** Call log lines (without timestamps). */
  callLog(): string[] {
    return callLog(this.calls);
  }

  count(line: string): number {
    return this.callLog().filter((l) => l === line).length;
  }

  /** Records in the journal file, parsed. */
  journal(): { type: string; envelope?: EventEnvelope; runId?: string }[] {
    if (!existsSync(this.journalFile)) return [];
    return readFileSync(this.journalFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { type: string; envelope?: EventEnvelope });
  }

  journaledEvents(runId: string): EventEnvelope[] {
    return this.journal().flatMap((r) => (r.type === 'run.event' && r.envelope?.runId === runId ? [r.envelope] : []));
  }

  async dispose(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.dispose()));
    await this.queue.close();
    this.redis.disconnect();
    if (this.redisUrl === TEST_REDIS_URL) {
      await cleanupDeck(TEST_REDIS_URL, this.deck);
      const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      await redis.del(streamKeys.commands(this.deck), streamKeys.confirmed(this.deck)).finally(() => redis.disconnect());
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Seqs are 1..N with no gap and no repeat. */
export function expectContiguous(events: EventEnvelope[], from = 1): void {
  const seqs = events.map((e) => e.seq);
  const expected = seqs.map((_s, i) => from + i);
  if (JSON.stringify(seqs) !== JSON.stringify(expected)) throw new Error(`seqs are not contiguous from ${from}: ${seqs.join(',')}`);
}

/** `step.finished` rows as `method:status`, in seq order. */
export function stepRows(events: EventEnvelope[]): string[] {
  return events.flatMap((e) => (e.event.type === 'step.finished' ? [`${e.event.methodName}:${e.event.status}`] : []));
}

export function ofType<T extends RunEvent['type']>(events: EventEnvelope[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.event.type === type);
}
