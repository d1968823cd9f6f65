/** One message as an SSE client sees it. */
export interface ReceivedSse {
  event: string;
  id?: string;
  data: Record<string, unknown>;
}

/**
 * A minimal SSE reader for tests (Node's fetch has no EventSource): collects messages and
 * comments as they arrive, and waits for conditions with a deadline.
 */
export class SseTestClient {
  readonly events: ReceivedSse[] = [];
  comments = 0;
  ended = false;
  private readonly controller = new AbortController();
  private buffer = '';

  private constructor(readonly response: Response) {}

  static async open(url: string, headers: Record<string, string>): Promise<SseTestClient> {
    const ctl = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctl.signal });
    const client = new SseTestClient(response);
    client.controller.signal.addEventListener('abort', () => ctl.abort());
    if (response.ok && response.body) void client.pump(response.body);
    return client;
  }

  /** Waits until at least `n` messages arrived; throws after `ms`. */
  async waitForCount(n: number, ms = 5000): Promise<ReceivedSse[]> {
    await waitUntil(() => this.events.length >= n || this.ended, ms, () => `${this.events.length} of ${n} SSE messages: ${this.describe()}`);
    if (this.events.length < n) throw new Error(`stream ended after ${this.events.length} of ${n} messages: ${this.describe()}`);
    return this.events;
  }

  async waitForEnd(ms = 5000): Promise<void> {
    await waitUntil(() => this.ended, ms, () => `the stream to end; got ${this.describe()}`);
  }

  close(): void {
    this.controller.abort();
  }

  describe(): string {
    return this.events.map((e) => `${e.event}#${e.id ?? '-'}`).join(' ');
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
          this.parse(this.buffer.slice(0, cut));
          this.buffer = this.buffer.slice(cut + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
    }
  }

  private parse(block: string): void {
    const fields: Record<string, string> = {};
    let comment = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comment = true;
      const i = line.indexOf(': ');
      if (i > 0) fields[line.slice(0, i)] = line.slice(i + 2);
    }
    if (fields.event && fields.data !== undefined) this.events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data) });
    else if (comment) this.comments++;
  }
}

/** Polls `cond` until it holds; throws naming what it waited for after `ms`. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
