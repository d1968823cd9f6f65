/**
 * Cost of checking messages against the shared zod contracts (libs/contracts) on receipt: what the
 * gateway pays per run event it ingests and per direct-call answer, what the agent pays per job and
 * command. Each figure is JSON.parse plus the check, beside JSON.parse alone; the difference is the
 * contract check. Prints the median of several rounds.
 *
 *   npx tsx bench/contract-parse.ts            (ROUNDS=9 N=20000 to change the defaults)
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import {
  CONTRACT_VERSION, agentMessageSchema, checkMessage, directCallJobSchema, directCallResultSchema, runCommandSchema, runJobSchema,
  type AgentMessage, type DirectCallJob, type DirectCallResult, type RunCommand, type RunJob,
} from '@ivoryos/contracts';
import type { z } from 'zod';

const N = Number(process.env.N ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const at = '2026-12-08T01:00:00.000Z';

const envelope = (seq: number, event: object) => ({ runId: '6f1c0b1e-59c5-4c2a-9d55-1f8c1b1c2d3e', deck: 'abstract_sdl', seq, at, event });
const location = { phase: 'main', repeatIndex: 3, stepIndex: 2, sample: 0, section: 'script-1' };
const stepFinished: AgentMessage = {
  kind: 'run-event', schemaVersion: CONTRACT_VERSION,
  envelope: envelope(41, {
    type: 'step.finished', instrument: 'deck.sdl', methodName: 'analyze', args: { param_1: 3, param_2: 4.5 }, attempt: 1, ...location,
    status: 'completed', output: [0.93, 12.4, 'ok'], context: { amount: 5, solvent: 'Methanol', result: [0.93, 12.4, 'ok'] }, error: null,
  }),
} as AgentMessage;
const stepStarted: AgentMessage = {
  kind: 'run-event', schemaVersion: CONTRACT_VERSION,
  envelope: envelope(40, { type: 'step.started', instrument: 'deck.sdl', methodName: 'analyze', args: { param_1: 3, param_2: 4.5 }, attempt: 1, ...location }),
} as AgentMessage;
const waiting: AgentMessage = {
  kind: 'run-event', schemaVersion: CONTRACT_VERSION,
  envelope: envelope(42, { type: 'run.status', status: 'waiting', waiting: { promptId: 'prompt-3', kind: 'input', message: 'volume?', inputType: 'float', since: at } }),
} as AgentMessage;
const callJob: DirectCallJob = {
  schemaVersion: CONTRACT_VERSION, callId: '0b1e6f1c-59c5-4c2a-9d55-1f8c1b1c2d3e', deck: 'abstract_sdl', instrument: 'deck.sdl', action: 'analyze',
  kwargs: { param_1: 3, param_2: 4.5 }, deadline: Date.now() + 30_000, calledBy: 'admin',
};
const callResult: DirectCallResult = {
  schemaVersion: CONTRACT_VERSION, callId: callJob.callId, ran: true, success: true, output: [0.93, 12.4, 'ok'], error: null, startedAt: at, endedAt: at,
};
const command: RunCommand = {
  schemaVersion: CONTRACT_VERSION, commandId: 'c-1', runId: 'r-1', type: 'input', promptId: 'prompt-3', value: 2.5, issuedBy: 'admin', issuedAt: at,
};
const step = (id: number) => ({ id, uuid: id, instrument: 'deck.sdl', action: 'analyze', args: { param_1: '#amount', param_2: 4.5 }, return: 'result' });
const runJob: RunJob = {
  schemaVersion: CONTRACT_VERSION, runId: 'r-1', deck: 'abstract_sdl', name: 'bench', mode: 'repeat', repeat: 10, parameters: null, batchSize: 1,
  onError: 'wait', schemaHash: 'a'.repeat(64), submittedBy: 'admin', resume: null,
  workflow: {
    name: 'bench', deck: 'abstract_sdl', status: 'finalized', author: 'admin', id_order: { prep: [], script: [], cleanup: [] },
    script_dict: { prep: [], script: Array.from({ length: 20 }, (_, i) => step(i + 1)), cleanup: [] },
  },
};

interface Case {
  name: string;
  text: string;
  schema: z.ZodType;
}

const cases: Case[] = [
  { name: 'run event: step.finished', text: JSON.stringify(stepFinished), schema: agentMessageSchema },
  { name: 'run event: step.started', text: JSON.stringify(stepStarted), schema: agentMessageSchema },
  { name: 'run event: run.status waiting', text: JSON.stringify(waiting), schema: agentMessageSchema },
  { name: 'direct.call job', text: JSON.stringify(callJob), schema: directCallJobSchema },
  { name: 'direct.call answer', text: JSON.stringify(callResult), schema: directCallResultSchema },
  { name: 'run command (input)', text: JSON.stringify(command), schema: runCommandSchema },
  { name: 'run.accept job (20 steps)', text: JSON.stringify(runJob), schema: runJobSchema },
];

function perMessageUs(fn: (text: string) => unknown, text: string): number {
  const start = performance.now();
  for (let i = 0; i < N; i++) fn(text);
  return ((performance.now() - start) * 1000) / N;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`contract checks, ${N} messages x ${ROUNDS} rounds, median µs per message (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
console.log(['message'.padEnd(32), 'bytes'.padStart(6), 'JSON.parse'.padStart(11), '+ check'.padStart(9), 'check'.padStart(7)].join(' '));
for (const c of cases) {
  const parsed = checkMessage(c.schema, JSON.parse(c.text));
  if (!parsed.ok) throw new Error(`${c.name} does not pass its own contract: ${parsed.errors.join('; ')}`);
  const parse: number[] = [];
  const both: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    parse.push(perMessageUs((t) => JSON.parse(t), c.text));
    both.push(perMessageUs((t) => checkMessage(c.schema, JSON.parse(t)), c.text));
  }
  const p = median(parse);
  const b = median(both);
  console.log([c.name.padEnd(32), String(c.text.length).padStart(6), p.toFixed(2).padStart(11), b.toFixed(2).padStart(9), (b - p).toFixed(2).padStart(7)].join(' '));
}
