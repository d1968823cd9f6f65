import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Opt-in (IVORYOS_HOP_TIMING=true, for bench/direct-control.ts) timestamps of one direct call: when the
 * processor got the job, the driver call's start and end, and when the processor returned. Epoch ms from
 * the monotonic clock with sub-ms resolution, comparable with the gateway's on the same machine.
 */
export interface CallTiming {
  callId: string;
  picked: number;
  driverStart: number;
  driverEnd: number;
  returned: number;
}

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Appends one JSON line per call to `<dataDir>/hop-timing.jsonl` through a buffered stream. */
export function hopTimingLog(dataDir: string): (timing: CallTiming) => void {
  const stream = createWriteStream(join(dataDir, 'hop-timing.jsonl'), { flags: 'a' });
  return (timing) => {
    stream.write(`${JSON.stringify(timing)}\n`);
  };
}
