import { spawn, type ChildProcess } from 'node:child_process';

export interface ManagedProcess {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Start it again whenever it exits (until shutdown). */
  restart: boolean;
  /** The whole launcher stops when this one exits for good. */
  essential: boolean;
}

/**
 * Runs child processes, restarts those marked so with a capped back-off, and on shutdown stops
 * them one by one, last started first (SIGTERM, then SIGKILL after a grace period): the agent
 * finishes its call and reports it while the gateway and Redis are still there.
 *
 * Each child runs in its own process group, so a terminal's Ctrl-C reaches only this launcher;
 * otherwise every child would get it and then the launcher's SIGTERM as a second signal, which the
 * agent takes as "exit without waiting for the call in progress".
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  /** Names in the order they first started. */
  private readonly order: string[] = [];
  private stopping = false;

  constructor(private readonly onEssentialExit: (name: string, code: number | null) => void) {}

  start(p: ManagedProcess, attempt = 0): void {
    if (this.stopping) return;
    const child = spawn(p.command, p.args, { env: { ...process.env, ...p.env }, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    this.children.set(p.name, child);
    if (!this.order.includes(p.name)) this.order.push(p.name);
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      this.children.delete(p.name);
      if (this.stopping) return;
      console.error(`[start] ${p.name} exited (${signal ?? `code ${code}`})`);
      if (p.restart) {
        // A process that ran for a while starts over at the shortest delay.
        const next = Date.now() - startedAt > 30_000 ? 0 : attempt + 1;
        const delay = Math.min(250 * 2 ** next, 5000);
        console.error(`[start] restarting ${p.name} in ${delay} ms`);
        setTimeout(() => this.start(p, next), delay).unref();
      } else if (p.essential) {
        this.onEssentialExit(p.name, code);
      }
    });
  }

  async stopAll(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    for (const name of [...this.order].reverse()) {
      const child = this.children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      console.error(`[start] stopping ${name}`);
      await new Promise<void>((resolve) => {
        // The whole group: a gateway that does not stop in time takes its embedded PostgreSQL with it.
        const kill = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
  }

  /** Passes a signal on to every running child (a second Ctrl-C: each decides what "now" means). */
  signalAll(signal: NodeJS.Signals): void {
    for (const child of this.children.values()) if (child.exitCode === null) child.kill(signal);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already, or was never one
  }
}
