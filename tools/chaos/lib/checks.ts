/* Assertions shared by the scenarios: what PostgreSQL holds for a run, compared with what the
   driver really did (the demo deck's call log). */
import { driverSteps, duplicateRows, invocations, stepCallText, type RunRecord } from './api';
import type { Scenario } from './scenario';
import { sql, type CallLine } from './stack';

/** The run's event ledger in PostgreSQL is 1..last_seq without a hole, and the run row agrees. */
export async function checkLedger(s: Scenario, dbUrl: string, runId: string): Promise<void> {
  const rows = await sql<{ seq: number }>(dbUrl, 'select seq from run_event where run_id = $1 order by seq', [runId]);
  const [run] = await sql<{ last_seq: number }>(dbUrl, 'select last_seq from workflow_run where id = $1', [runId]);
  const seqs = rows.map((r) => Number(r.seq));
  const holes = seqs.filter((seq, i) => seq !== i + 1);
  s.check(`ledger: events 1..${seqs.length} without a hole or a double, last_seq ${run?.last_seq}`,
    seqs.length > 0 && holes.length === 0 && Number(run?.last_seq) === seqs.length,
    holes.length ? `first out of place: ${holes[0]}` : `last_seq ${run?.last_seq}, ${seqs.length} events`);
}

/** Each (phase, iteration, step, sample, attempt) has one step row. */
export function checkNoDuplicateRows(s: Scenario, run: RunRecord): void {
  const dups = duplicateRows(run);
  s.check('every step record present once per attempt (no duplicate rows)', dups.length === 0, dups.slice(0, 3).join('; '));
}

/**
 * Every completed driver step's call was started by the driver exactly `expected(step)` times
 * (default 1), and the call log holds nothing the records do not explain. Prints one line per step
 * when there are few, otherwise a summary plus each deviation.
 */
export function checkInvocations(s: Scenario, run: RunRecord, calls: CallLine[], label: string, expected: (text: string) => number = () => 1): void {
  const texts = [...new Set(driverSteps(run).map(stepCallText))];
  const deviations: string[] = [];
  for (const text of texts) {
    const n = invocations(calls, text);
    if (texts.length <= 8) s.check(`${label}: ${text}: driver invocations ${n}`, n === expected(text), `expected ${expected(text)}`);
    else if (n !== expected(text)) deviations.push(`${text}: ${n} (expected ${expected(text)})`);
  }
  if (texts.length > 8) {
    s.check(`${label}: each of ${texts.length} driver steps invoked as often as recorded (1 per step)`, deviations.length === 0, deviations.slice(0, 5).join('; '));
  }
  const unexplained = calls.filter((c) => !texts.includes(c.text));
  s.check(`${label}: no driver call outside the run's records`, unexplained.length === 0, unexplained.slice(0, 3).map((c) => c.text).join('; '));
}
