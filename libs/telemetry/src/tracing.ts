import {
  context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Span,
} from '@opentelemetry/api';
import type { TraceContext } from '@ivoryos/contracts';

/**
 * OpenTelemetry tracing, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Off, nothing of the SDK
 * is loaded and every helper below returns at its first line, so tracing costs nothing.
 */
interface Sdk {
  shutdown(): Promise<void>;
}
let sdk: Sdk | undefined;
let enabled = false;

export function tracingEnabled(): boolean {
  return enabled;
}

/**
 * Starts the SDK for this process (`service` names it) when the endpoint is set. The exporter,
 * protocol, headers and batching come from the standard `OTEL_*` variables; metrics and logs are
 * not sent unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` ask (Prometheus has the metrics).
 * `spanProcessors` replaces the exporter (tests keep spans in memory with it).
 */
export function initTracing(service: string, options: { env?: NodeJS.ProcessEnv; spanProcessors?: unknown[] } = {}): boolean {
  const env = options.env ?? process.env;
  if (enabled || !env['OTEL_EXPORTER_OTLP_ENDPOINT']) return enabled;
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  // Loaded here, not imported at the top: a process without the endpoint never loads the SDK.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  type Processors = ConstructorParameters<typeof NodeSDK>[0] extends infer C ? (C extends { spanProcessors?: infer P } ? P : never) : never;
  const started = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] || service, instrumentations: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors as Processors } : {}),
  });
  started.start();
  sdk = started;
  enabled = true;
  return true;
}

/** Sends the spans still buffered and stops the SDK (process exit, test teardown). */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  enabled = false;
  await running?.shutdown();
}

const tracer = () => trace.getTracer('ivoryos');

/** The W3C context of `ctx` (default: the active one) to carry in a payload; undefined when off or none. */
export function traceContextOf(ctx?: Context): TraceContext | undefined {
  if (!enabled) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx ?? context.active(), carrier);
  return carrier['traceparent'] ? { traceparent: carrier['traceparent'], ...(carrier['tracestate'] ? { tracestate: carrier['tracestate'] } : {}) } : undefined;
}

/** The context a payload carried, as a parent for spans here. */
export function contextFrom(carried: TraceContext | null | undefined): Context {
  if (!carried) return context.active();
  return propagation.extract(ROOT_CONTEXT, { ...carried });
}

export interface SpanOptions {
  /** A carried context (from a payload) or a live one; default the active context. */
  parent?: TraceContext | Context | null;
  attributes?: Attributes;
  startTime?: Date;
}

function parentContext(parent: SpanOptions['parent']): Context {
  if (!parent) return context.active();
  return 'traceparent' in parent ? contextFrom(parent) : (parent as Context);
}

/** A span that outlives one function call (a run, a phase); undefined when tracing is off. */
export function startSpan(name: string, options: SpanOptions = {}): Span | undefined {
  if (!enabled) return undefined;
  return tracer().startSpan(name, { attributes: options.attributes, startTime: options.startTime }, parentContext(options.parent));
}

/** The context of `span`, for child spans and for payloads. */
export function spanContext(span: Span | undefined): Context | undefined {
  return span ? trace.setSpan(context.active(), span) : undefined;
}

/** Ends `span`, marking it failed when `error` is given. */
export function endSpan(span: Span | undefined, error?: unknown, endTime?: Date): void {
  if (!span) return;
  if (error !== undefined && error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end(endTime);
}

/**
 * Runs `fn` inside a new span (active for everything `fn` awaits), ended when it settles and marked
 * failed when it throws. Off: just `fn()`.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!enabled) return fn(undefined);
  const span = tracer().startSpan(name, { attributes: options.attributes, startTime: options.startTime }, parentContext(options.parent));
  return context.with(trace.setSpan(parentContext(options.parent), span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      endSpan(span, err);
      throw err;
    } finally {
      if (span.isRecording()) span.end();
    }
  });
}
