import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';

/**
 * Opt-in timing of a request's hops for the benchmarks (IVORYOS_HOP_TIMING=true; off by default, and
 * then nothing here runs). A middleware stamps each request's arrival; the code a benchmark looks at
 * marks points on the way; the answer carries them as a Server-Timing header: `arrived;desc="<epoch ms>"`
 * and one `<mark>;dur=<ms since arrival>` per mark. Epoch times come from the process's monotonic clock
 * (`performance.timeOrigin + now()`), with sub-millisecond resolution and comparable between processes
 * on one machine.
 */
export class HopTiming {
  private readonly marks: [string, number][] = [];

  constructor(readonly arrived: number = epochMs()) {}

  mark(name: string): void {
    this.marks.push([name, epochMs()]);
  }

  header(): string {
    return [`arrived;desc="${this.arrived.toFixed(3)}"`, ...this.marks.map(([name, at]) => `${name};dur=${(at - this.arrived).toFixed(3)}`)].join(', ');
  }
}

export type RequestWithTiming = Request & { hopTiming?: HopTiming };

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Installed first when IVORYOS_HOP_TIMING is on. */
export function hopTimingMiddleware(req: Request, _res: Response, next: NextFunction): void {
  (req as RequestWithTiming).hopTiming = new HopTiming();
  next();
}
