import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The interpreter a Python deck runs on, as probed. */
export interface PythonInterpreter {
  /** What is spawned: the probed `sys.executable` (never realpath'ed: a venv's python must stay the venv's). */
  executable: string;
  version: string;
  venv: boolean;
  /** Where the choice came from, for the log line. */
  source: string;
}

export interface InterpreterChoice {
  /** `--python`. */
  flag?: string;
  IVORYOS_PYTHON?: string;
  VIRTUAL_ENV?: string;
  CONDA_PREFIX?: string;
  platform?: NodeJS.Platform;
}

interface Candidate {
  command: string;
  args: string[];
  source: string;
  /** An explicit choice never falls through to another one. */
  explicit: boolean;
}

export const MIN_PYTHON: [number, number] = [3, 8];

export class PythonNotFoundError extends Error {}

const PROBE = 'import json,sys;print(json.dumps({"exe":sys.executable,"version":"%d.%d.%d"%sys.version_info[:3],"venv":sys.prefix!=getattr(sys,"base_prefix",sys.prefix)}))';

/**
 * Order: `--python`, then `IVORYOS_PYTHON`, then a `.venv`/`venv`/`env` beside the deck (or up to 3
 * folders above it), then the active virtualenv or conda environment, then `python3` / `python`.
 */
export function interpreterCandidates(deckFile: string, choice: InterpreterChoice): Candidate[] {
  const windows = (choice.platform ?? process.platform) === 'win32';
  const inEnv = (prefix: string) => (windows ? join(prefix, 'Scripts', 'python.exe') : join(prefix, 'bin', 'python'));
  if (choice.flag) return [{ command: choice.flag, args: [], source: '--python', explicit: true }];
  if (choice.IVORYOS_PYTHON) return [{ command: choice.IVORYOS_PYTHON, args: [], source: 'IVORYOS_PYTHON', explicit: true }];
  const out: Candidate[] = [];
  let dir = dirname(resolve(deckFile));
  for (let level = 0; level <= 3; level += 1) {
    for (const name of ['.venv', 'venv', 'env']) {
      const exe = inEnv(join(dir, name));
      if (existsSync(exe)) out.push({ command: exe, args: [], source: `virtual environment ${join(dir, name)}`, explicit: false });
    }
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  if (choice.VIRTUAL_ENV) out.push({ command: inEnv(choice.VIRTUAL_ENV), args: [], source: `active virtualenv ${choice.VIRTUAL_ENV}`, explicit: false });
  if (choice.CONDA_PREFIX) {
    const exe = windows ? join(choice.CONDA_PREFIX, 'python.exe') : join(choice.CONDA_PREFIX, 'bin', 'python');
    out.push({ command: exe, args: [], source: `conda environment ${choice.CONDA_PREFIX}`, explicit: false });
  }
  if (windows) out.push({ command: 'py', args: ['-3'], source: 'py -3 on PATH', explicit: false });
  else out.push({ command: 'python3', args: [], source: 'python3 on PATH', explicit: false });
  out.push({ command: 'python', args: [], source: 'python on PATH', explicit: false });
  return out;
}

/** Probes the candidates in order; the first Python ≥ 3.8 wins. Throws with one line saying what to do. */
export function resolvePython(deckFile: string, choice: InterpreterChoice): PythonInterpreter {
  const rejected: string[] = [];
  for (const candidate of interpreterCandidates(deckFile, choice)) {
    const probed = probe(candidate);
    if (probed.ok) return { ...probed.value, source: candidate.source };
    rejected.push(`${candidate.command} (${candidate.source}): ${probed.reason}`);
    if (candidate.explicit) {
      throw new PythonNotFoundError(`The Python interpreter from ${candidate.source} cannot serve the deck: ${probed.reason}.`);
    }
  }
  throw new PythonNotFoundError(
    'No Python 3.8+ found for this Python deck: install it (sudo apt-get install python3, brew install python, or python.org) ' +
      `or pass --python /path/to/python. Tried: ${rejected.join('; ')}`,
  );
}

type Probe = { ok: true; value: Omit<PythonInterpreter, 'source'> } | { ok: false; reason: string };

function probe(candidate: Candidate): Probe {
  let text: string;
  try {
    text = execFileSync(candidate.command, [...candidate.args, '-c', PROBE], { encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'not found' : `does not run (${(err as Error).message.split('\n')[0]})` };
  }
  const parsed = parseProbe(text);
  if (!parsed) return { ok: false, reason: `unexpected answer ${JSON.stringify(text.slice(0, 200))}` };
  if (!atLeast(parsed.version, MIN_PYTHON)) return { ok: false, reason: `Python ${parsed.version} is older than ${MIN_PYTHON.join('.')}` };
  return { ok: true, value: parsed };
}

export function parseProbe(text: string): Omit<PythonInterpreter, 'source'> | null {
  const line = text.trim().split('\n').pop() ?? '';
  try {
    const value = JSON.parse(line) as { exe?: unknown; version?: unknown; venv?: unknown };
    if (typeof value.exe !== 'string' || !value.exe || typeof value.version !== 'string') return null;
    return { executable: value.exe, version: value.version, venv: value.venv === true };
  } catch {
    return null;
  }
}

export function atLeast(version: string, min: [number, number]): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}
