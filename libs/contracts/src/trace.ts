import { z } from 'zod';

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) carried in job and event payloads, so
 * a run's or a direct call's spans in the gateway and the agent form one trace. Present only when
 * the sender traces (`OTEL_EXPORTER_OTLP_ENDPOINT` set); receivers that do not trace ignore it.
 */
export const traceContextSchema = z.object({
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/),
  tracestate: z.string().max(512).optional(),
});

export type TraceContext = z.infer<typeof traceContextSchema>;

/** A message's `trace` field: a malformed context only loses the trace, never the message that carries it. */
export const tracedBy = traceContextSchema.nullish().catch(undefined);
