/**
 * What tracing costs. (1) In this process: one `withSpan` plus one `traceContextOf` (what a traced
 * hop does) with tracing off, then on (the real SDK, batching to an in-memory exporter). (2) End to
 * end: sequential direct calls (`deck.bench/noop`) against the BUILT gateway and a real agent,
 * first with tracing off, then with both processes exporting OTLP to a local sink; p50/p95 each.
 *
 *   node tools/build.mjs && npx tsx bench/tracing.ts      (CALLS=500 WARMUP=100 MICRO=100000)
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { initTracing, shutdownTracing, traceContextOf, withSpan } from '@ivoryos/telemetry';
import { load, machine, quantile, Stack } from './lib/stack';

const CALLS = Number(process.env['CALLS'] ?? 500);
const WARMUP = Number(process.env['WARMUP'] ?? 100);
const MICRO = Number(process.env['MICRO'] ?? 100_000);

async function microNsPerOp(): Promise<number> {
  const once = () => withSpan('bench', { attributes: { 'ivoryos.call': 'x' } }, async () => traceContextOf());
  for (let i = 0; i < 1000; i++) await once();
  const t0 = performance.now();
  for (let i = 0; i < MICRO; i++) await once();
  return ((performance.now() - t0) * 1e6) / MICRO;
}

/** An OTLP/HTTP sink on 127.0.0.1 that only counts what it is sent. */
async function sink(): Promise<{ url: string; requests: () => number; close: () => void }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => n, close: () => server.close() };
}

async function directCalls(env: NodeJS.ProcessEnv): Promise<number[]> {
  const stack = await new Stack({ gatewayEnv: env, agentEnv: env }).start();
  try {
    const call = async (x: number) => {
      const t0 = performance.now();
      const res = await stack.api.request<{ success: boolean }>('POST', `/api/decks/${stack.deck}/instruments/deck.bench/noop`, { x });
      if (res.status !== 200 || !res.body.success) throw new Error(`noop: ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < WARMUP; i++) await call(i);
    const out: number[] = [];
    for (let i = 0; i < CALLS; i++) out.push(await call(i));
    return out.sort((a, b) => a - b);
  } finally {
    await stack.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`${machine()}; load before: ${load()}`);
  const off = await microNsPerOp();
  process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:9';
  const { tracing } = await import('@opentelemetry/sdk-node');
  initTracing('bench', { spanProcessors: [new tracing.BatchSpanProcessor(new tracing.InMemorySpanExporter())] });
  const on = await microNsPerOp();
  await shutdownTracing();
  delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  console.log(`in process, one span + one context injection: off ${off.toFixed(0)} ns, on ${on.toFixed(0)} ns (${MICRO} ops)`);

  const plain = await directCalls({});
  const collector = await sink();
  const traced = await directCalls({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
  collector.close();
  const row = (name: string, s: number[]) => `${name}: p50 ${quantile(s, 0.5).toFixed(2)} ms, p95 ${quantile(s, 0.95).toFixed(2)} ms`;
  console.log(`direct calls, ${CALLS} sequential after ${WARMUP} warm-up:`);
  console.log(`  ${row('tracing off', plain)}`);
  console.log(`  ${row('tracing on ', traced)} (the sink got ${collector.requests()} OTLP requests)`);
  console.log(`load after: ${load()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
