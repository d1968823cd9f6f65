import { execFileSync } from 'node:child_process';

let probed: string | null | undefined;

/**
 * `python3` (3.8+) for the Python-deck tests, or null with the reason logged once: those tests are
 * skipped only on a machine without Python (CI has it).
 */
export function pythonForTests(): string | null {
  if (probed !== undefined) return probed;
  try {
    const version = execFileSync('python3', ['-c', 'import sys;print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', timeout: 30_000 }).trim();
    const [major, minor] = version.split('.').map(Number);
    probed = major === 3 && minor >= 8 ? 'python3' : null;
    if (!probed) console.warn(`Python-deck tests skipped: python3 is ${version}, 3.8+ is needed`);
  } catch (err) {
    probed = null;
    console.warn(`Python-deck tests skipped: no python3 on this machine (${(err as Error).message.split('\n')[0]})`);
  }
  return probed;
}

/** `describe` where Python is present, `describe.skip` (with the logged reason) where it is not. */
export function describeWithPython(name: string, fn: () => void): void {
  (pythonForTests() ? describe : describe.skip)(name, fn);
}
