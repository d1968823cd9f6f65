import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atLeast, interpreterCandidates, parseProbe, PythonNotFoundError, resolvePython } from './python-interpreter';

describe('choosing the Python interpreter for a .py deck', () => {
  const root = mkdtempSync(join(tmpdir(), 'ivoryos-py-'));
  const deckDir = join(root, 'lab', 'decks');
  mkdirSync(join(deckDir), { recursive: true });
  const deck = join(deckDir, 'deck.py');
  writeFileSync(deck, '');
  // A venv two folders up from the deck, and one beside it.
  for (const dir of [join(root, 'lab', '.venv', 'bin'), join(deckDir, 'venv', 'bin')]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'python'), '');
  }

  it('takes --python, then IVORYOS_PYTHON, and an explicit choice never falls through', () => {
    expect(interpreterCandidates(deck, { flag: '/opt/py', IVORYOS_PYTHON: '/env/py' }).map((c) => [c.command, c.explicit])).toEqual([['/opt/py', true]]);
    expect(interpreterCandidates(deck, { IVORYOS_PYTHON: '/env/py' }).map((c) => c.source)).toEqual(['IVORYOS_PYTHON']);
    expect(() => resolvePython(deck, { flag: join(root, 'missing-python') })).toThrow(PythonNotFoundError);
    expect(() => resolvePython(deck, { flag: join(root, 'missing-python') })).toThrow('The Python interpreter from --python cannot serve the deck: not found.');
  });

  it('then a venv beside the deck or up to 3 folders above, then the active virtualenv and conda, then python3', () => {
    const found = interpreterCandidates(deck, { VIRTUAL_ENV: '/venvs/a', CONDA_PREFIX: '/conda/b', platform: 'linux' });
    expect(found.map((c) => c.command)).toEqual([
      join(deckDir, 'venv', 'bin', 'python'), join(root, 'lab', '.venv', 'bin', 'python'), '/venvs/a/bin/python', '/conda/b/bin/python', 'python3', 'python',
    ]);
    expect(interpreterCandidates(deck, { platform: 'win32' }).slice(-2).map((c) => [c.command, ...c.args])).toEqual([['py', '-3'], ['python']]);
  });

  it('reads the probe answer and refuses Pythons older than 3.8', () => {
    expect(parseProbe('noise\n{"exe":"/usr/bin/python3","version":"3.11.2","venv":false}\n')).toEqual({ executable: '/usr/bin/python3', version: '3.11.2', venv: false });
    expect(parseProbe('{"exe":"","version":"3.11.2"}')).toBeNull();
    expect(parseProbe('Python was not found; run without arguments to install from the Microsoft Store')).toBeNull();
    expect([atLeast('3.8.0', [3, 8]), atLeast('3.7.16', [3, 8]), atLeast('4.0.0', [3, 8]), atLeast('2.7.18', [3, 8])]).toEqual([true, false, true, false]);
  });
});
