/* The 40-step run several scenarios break in the middle: 20 iterations of two `equilibrate` steps of
   0.1 s of real time, each with its own temperature so every step has its own line in the call log. */
import { equilibrate, stepsOf, type Api } from './api';
import { checkInvocations, checkLedger, checkNoDuplicateRows } from './checks';
import type { Scenario } from './scenario';
import type { AgentProcess, CallLine } from './stack';

export const ITERATIONS = 20;
export const STEPS = ITERATIONS * 2;

export async function saveLongWorkflow(api: Api, deck: string, name: string): Promise<void> {
  await api.saveWorkflow({ name, deck, script_dict: { prep: [], script: [equilibrate(1, '#a', 0.1), equilibrate(2, '#b', 0.1)], cleanup: [] } });
}

/** Temperatures from `base` make the run's calls distinct from any other run's on the same deck. */
export function longRunRows(base = 0): { a: number; b: number }[] {
  return Array.from({ length: ITERATIONS }, (_, i) => ({ a: base + i + 1, b: base + 501 + i }));
}

/**
 * The run completed with one row per step, all completed on attempt 1; the driver started each step's
 * call once (the call log, of this run only: the lines `ofRun` keeps); the ledger has no hole.
 */
export async function checkLongRun(
  s: Scenario, api: Api, agent: Pick<AgentProcess, 'calls'>, dbUrl: string, runId: string, timeoutMs: number, ofRun: (c: CallLine) => boolean = () => true,
): Promise<void> {
  const run = await api.untilStatus(runId, ['completed', 'failed', 'stopped', 'waiting'], timeoutMs);
  const lastCall = agent.calls().filter(ofRun).at(-1);
  const lag = lastCall ? ` ${((Date.now() - lastCall.at.getTime()) / 1000).toFixed(1)} s after its last driver call started` : '';
  s.check(`run completed (seen at ${s.elapsed()},${lag})`, run.status === 'completed', `${run.status} ${run.error ?? ''}`);
  const steps = stepsOf(run);
  const main = run.phases.filter((p) => p.name === 'main');
  s.check(`${ITERATIONS} main phases recorded`, main.length === ITERATIONS, `${main.length}`);
  const odd = steps.filter((st) => st.status !== 'completed' || st.attempt !== 1);
  s.check(`${STEPS} step rows, all completed on attempt 1`, steps.length === STEPS && odd.length === 0,
    `${steps.length} rows; ${odd.map((st) => `${st.methodName}#${st.stepIndex} ${st.status} attempt ${st.attempt}`).slice(0, 3).join(', ')}`);
  checkNoDuplicateRows(s, run);
  const calls = agent.calls().filter(ofRun);
  s.check(`call log: ${STEPS} driver invocations for the run's ${STEPS} steps`, calls.length === STEPS, `${calls.length}`);
  checkInvocations(s, run, calls, 'steps');
  await checkLedger(s, dbUrl, runId);
}
