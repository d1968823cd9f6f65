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
 * Runs child processes with their output prefixed, restarts those marked so with a capped
 * back-off, and on shutdown stops them all (SIGTERM, then SIGKILL after a grace period).
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly onEssentialExit: (name: string, code: number | null) => void) {}

  start(p: ManagedProcess, attempt = 0): void {
    if (this.stopping) return;
    const child = spawn(p.command, p.args, { env: { ...process.env, ...p.env }, stdio: ['ignore', 'inherit', 'inherit'] });
    this.children.set(p.name, child);
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
    const waits = [...this.children.entries()].map(
      ([, child]) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(waits);
  }
}
