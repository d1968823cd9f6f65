/* A small HTTP client for the gateway's API with bounded requests, and helpers over run records. */
import type { WorkflowAction } from '@ivoryos/contracts';
import { callText, type CallLine } from './stack';
import { waitFor } from './scenario';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  ms: number;
}

export interface StepRecord {
  id: string;
  phase: string;
  repeatIndex: number;
  stepIndex: number;
  sample: number;
  instrument: string;
  methodName: string;
  args: Record<string, unknown>;
  status: string;
  attempt: number;
}

export interface RunRecord {
  id: string;
  status: string;
  deck: string;
  deckOnline: boolean;
  waiting?: { promptId: string; kind: string; message: string };
  error?: string;
  phases: { name: string; repeatIndex: number; steps: StepRecord[] }[];
}

export class Api {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  static async login(base: string, password = 'admin'): Promise<Api> {
    const res = await request(base, '', 'POST', '/api/auth/login', { username: 'admin', password });
    const token = (res.body as { accessToken?: string }).accessToken;
    if (!token) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return new Api(base, token);
  }

  /** The same credentials against another gateway replica. */
  on(base: string): Api {
    return new Api(base, this.token);
  }

  get<T = Record<string, unknown>>(path: string, timeoutMs?: number): Promise<Answer<T>> {
    return request<T>(this.base, this.token, 'GET', path, undefined, timeoutMs);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown = {}, timeoutMs?: number): Promise<Answer<T>> {
    return request<T>(this.base, this.token, 'POST', path, body, timeoutMs);
  }

  async run(id: string): Promise<RunRecord> {
    const res = await this.get<RunRecord>(`/api/runs/${id}`);
    if (res.status !== 200) throw new Error(`GET /api/runs/${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async untilRun(id: string, what: string, match: (r: RunRecord) => boolean, timeoutMs: number): Promise<RunRecord> {
    let last: RunRecord | undefined;
    try {
      return await waitFor(`run ${id.slice(0, 8)} ${what}`, async () => {
        last = await this.run(id);
        return match(last) ? last : undefined;
      }, timeoutMs, 100);
    } catch (err) {
      if (last) (err as Error).message += ` (last seen: ${describeRun(last)})`;
      throw err;
    }
  }

  untilStatus(id: string, statuses: string[], timeoutMs: number): Promise<RunRecord> {
    return this.untilRun(id, `to be ${statuses.join('/')}`, (r) => statuses.includes(r.status), timeoutMs);
  }

  async deckOnline(deck: string): Promise<boolean | undefined> {
    const res = await this.get<{ items: { name: string; online: boolean }[] }>('/api/decks');
    if (res.status !== 200) return undefined;
    return res.body.items.find((d) => d.name === deck)?.online;
  }

  /** Waits until GET /api/decks shows the deck online on a heartbeat the gateway recorded after `since`. */
  untilFreshlyOnline(deck: string, since: Date, timeoutMs: number): Promise<true> {
    return waitFor(`deck ${deck} online on a heartbeat after ${since.toISOString()}`, async () => {
      const res = await this.get<{ items: { name: string; online: boolean; lastSeenAt: string | null }[] }>('/api/decks');
      const d = res.body.items?.find((x) => x.name === deck);
      return d?.online && d.lastSeenAt && new Date(d.lastSeenAt) > since ? true : undefined;
    }, timeoutMs, 100);
  }

  /** Waits until the deck's registered agent is process `pid` (a restarted agent has loaded its deck and registered). */
  untilAgent(deck: string, pid: number, timeoutMs: number): Promise<true> {
    return waitFor(`deck ${deck} registered by agent pid ${pid}`, async () => {
      const res = await this.get<{ agent?: { pid: number } | null }>(`/api/decks/${deck}`);
      return res.body.agent?.pid === pid ? true : undefined;
    }, timeoutMs, 100);
  }

  untilDeck(deck: string, online: boolean, timeoutMs: number): Promise<true> {
    return waitFor(`deck ${deck} ${online ? 'online' : 'offline'} in GET /api/decks`, async () => ((await this.deckOnline(deck)) === online ? true : undefined), timeoutMs, 100);
  }

  async saveWorkflow(wf: { name: string; deck: string; script_dict: Record<string, WorkflowAction[]> }): Promise<void> {
    const res = await this.post('/api/workflows', wf);
    if (res.status !== 201) throw new Error(`saving workflow ${wf.name}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async submit(body: Record<string, unknown>): Promise<string> {
    const res = await this.post<{ id: string }>('/api/runs', body);
    if (res.status !== 201) throw new Error(`submitting ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }
}

async function request<T>(base: string, token: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<Answer<T>> {
  const t0 = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, ms: Date.now() - t0 };
}

/** One workflow action, in the style of the gateway's end-to-end tests. */
export const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction =>
  ({ id, uuid: 1000 + id, instrument, action, args, return: '', ...extra }) as WorkflowAction;

export const equilibrate = (id: number, temp: number | string, duration: number): WorkflowAction => act(id, 'deck.sdl', 'equilibrate', { temp, duration });
export const noop = (id: number, x: number | string): WorkflowAction => act(id, 'deck.bench', 'noop', { x });

/** Status, prompt and the last step rows, for failure messages. */
export function describeRun(run: RunRecord): string {
  const steps = stepsOf(run).slice(-4).map((st) => `${st.phase}#${st.repeatIndex}/${st.methodName}:${st.status}:${st.attempt}`);
  return `${run.status}${run.waiting ? ` waiting for ${run.waiting.kind}` : ''}${run.error ? ` error ${run.error}` : ''}; last steps ${steps.join(', ') || 'none'}`;
}

/** Every step row of a run, in execution order. */
export function stepsOf(run: RunRecord): StepRecord[] {
  return run.phases.flatMap((p) => p.steps.map((st) => ({ ...st, phase: p.name, repeatIndex: p.repeatIndex })));
}

/** Instrument steps (not wait/input/...): those that are driver calls. */
export function driverSteps(run: RunRecord): StepRecord[] {
  return stepsOf(run).filter((st) => st.instrument.startsWith('deck.'));
}

export const stepCallText = (st: StepRecord): string => callText(st.instrument, st.methodName, st.args);

/** Step rows that share (phase, iteration, step, sample, attempt): must be none. */
export function duplicateRows(run: RunRecord): string[] {
  const seen = new Map<string, number>();
  for (const st of stepsOf(run)) {
    const key = `${st.phase}#${st.repeatIndex} step ${st.stepIndex} sample ${st.sample} attempt ${st.attempt}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

/** How often the driver started each distinct call of the run's steps, by the call log. */
export function invocations(calls: CallLine[], text: string): number {
  return calls.filter((c) => c.text === text).length;
}
