import type { Context, Span } from '@opentelemetry/api';
import { FINAL_RUN_STATUSES, type EventEnvelope, type RunJob, type StepLocation } from '@ivoryos/contracts';
import { endSpan, spanContext, startSpan, traceContextOf } from '@ivoryos/telemetry';

type Sink = (envelope: EventEnvelope) => void;

const stepKey = (l: StepLocation & { attempt: number }) => `${l.phase}/${l.repeatIndex}/${l.section ?? l.stepIndex}/${l.sample}/${l.attempt}`;

/**
 * A run's spans, made from the events it emits (so they follow the run's own clock and order):
 * the run (child of the gateway's hand-over span carried in the job), each phase under it, each
 * step under its phase — a driver call for deck instruments. Every event leaves stamped with the
 * span it belongs to, so the gateway's ingestion span joins the same trace. Only with tracing on.
 */
export function traceRunEvents(job: Pick<RunJob, 'runId' | 'name' | 'deck' | 'trace'>, sink: Sink): Sink {
  let run: Span | undefined;
  let runCtx: Context | undefined;
  let phase: { span: Span; ctx: Context } | undefined;
  const steps = new Map<string, { span: Span; ctx: Context }>();

  return (envelope) => {
    const e = envelope.event;
    const at = new Date(envelope.at);
    if (!run) {
      // A restarted agent opens a new run span in the same trace: the old one died with the process.
      run = startSpan(`run ${job.name}`, { parent: job.trace, startTime: at, attributes: { 'ivoryos.run': job.runId, 'ivoryos.deck': job.deck } });
      runCtx = spanContext(run);
    }
    let ctx = phase?.ctx ?? runCtx;
    let ended: Span | undefined;
    let error: string | null | undefined;
    switch (e.type) {
      case 'phase.started': {
        endSpan(phase?.span, undefined, at);
        const span = startSpan(`phase ${e.phase}${e.phase === 'main' ? ` ${e.repeatIndex}` : ''}`, { parent: runCtx, startTime: at, attributes: { 'ivoryos.phase': e.phase, 'ivoryos.repeat_index': e.repeatIndex } });
        phase = span && { span, ctx: spanContext(span) as Context };
        ctx = phase?.ctx ?? ctx;
        break;
      }
      case 'phase.finished':
        ended = phase?.span;
        phase = undefined;
        break;
      case 'step.started': {
        const driver = e.instrument.startsWith('deck.');
        const span = startSpan(driver ? `driver call ${e.instrument}.${e.methodName}` : `step ${e.instrument}`, {
          parent: ctx, startTime: at,
          attributes: { 'ivoryos.instrument': e.instrument, 'ivoryos.method': e.methodName, 'ivoryos.step': e.stepIndex, 'ivoryos.sample': e.sample, 'ivoryos.attempt': e.attempt },
        });
        if (span) steps.set(stepKey(e), { span, ctx: spanContext(span) as Context });
        ctx = steps.get(stepKey(e))?.ctx ?? ctx;
        break;
      }
      case 'step.finished': {
        const step = steps.get(stepKey(e));
        steps.delete(stepKey(e));
        ctx = step?.ctx ?? ctx;
        ended = step?.span;
        error = e.status === 'failed' || e.status === 'interrupted' ? e.error ?? e.status : undefined;
        break;
      }
      case 'run.status':
        if (FINAL_RUN_STATUSES.includes(e.status)) {
          ctx = runCtx;
          ended = run;
          error = e.status === 'failed' ? e.error ?? 'failed' : undefined;
        }
        break;
    }
    const trace = ctx && traceContextOf(ctx);
    sink(trace ? { ...envelope, trace } : envelope);
    endSpan(ended, error, at);
    if (ended === run && run) {
      for (const s of steps.values()) endSpan(s.span, undefined, at);
      endSpan(phase?.span, undefined, at);
      steps.clear();
      phase = undefined;
    }
  };
}
