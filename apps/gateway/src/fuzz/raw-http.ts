import { Agent, request } from 'node:http';

export interface RawResponse {
  status: number;
  contentType: string;
  /** At most the first 64 KiB. */
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const MAX_TEXT = 64 * 1024;

/**
 * One request with the path sent exactly as given (fetch would normalise `..` and `%2e`).
 * Event streams are cut as soon as their headers arrive.
 */
export function sendRaw(origin: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (contentType.startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, contentType, text: '' });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_TEXT) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: text.slice(0, MAX_TEXT) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path.slice(0, 200)}: no answer within 60 s`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function closeRawAgent(): void {
  agent.destroy();
}
