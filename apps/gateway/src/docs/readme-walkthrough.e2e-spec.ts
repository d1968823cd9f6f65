import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestAgent, waitFor, waitOnline, type TestAgent } from '../testing/test-agent';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const root = resolve(__dirname, '..', '..', '..', '..');

/**
 * The commands of the README's "Using it" section, in order: every ```bash block between that
 * heading and the next one, continuation lines joined, comment-only and blank lines dropped.
 */
function usingItCommands(readme: string): string[] {
  const start = readme.indexOf('\n## Using it\n');
  if (start < 0) throw new Error('README.md has no "## Using it" section');
  const rest = readme.slice(start + 1);
  const next = rest.slice(3).search(/\n#{2,3} /);
  const section = next < 0 ? rest : rest.slice(0, next + 3);
  const commands: string[] = [];
  for (const block of section.matchAll(/```bash\n([\s\S]*?)```/g)) {
    let pending = '';
    for (const line of block[1].split('\n')) {
      if (!pending && (!line.trim() || line.trim().startsWith('#'))) continue;
      if (line.endsWith('\\')) pending += `${line.slice(0, -1)} `;
      else {
        commands.push(pending + line);
        pending = '';
      }
    }
  }
  return commands;
}

/**
 * Runs the commands in one bash, in the repository's folder, each with its output and exit status
 * kept. curl fails on an HTTP error (--fail-with-body); a live stream (-N) is cut after a few
 * seconds, which counts as success once it has said something.
 */
function runInBash(commands: string[], base: string, outDir: string): Promise<void> {
  const prelude = [
    'set -o pipefail',
    'curl() {',
    '  local extra=() out rc; for a in "$@"; do [ "$a" = -N ] && extra=(--max-time 6); done',
    '  command curl --fail-with-body "${extra[@]}" "$@"; rc=$?',
    '  if [ ${#extra[@]} -gt 0 ] && [ $rc -eq 28 ]; then return 0; fi; return $rc',
    '}',
  ];
  // A group in this shell (variables such as TOKEN carry on); the newline ends a trailing comment.
  const body = commands.map((c, i) => `{ ${c.replaceAll('localhost:8000', base)}\n} > "${outDir}/${i}.out" 2>&1; echo $? > "${outDir}/${i}.rc"`);
  const script = join(outDir, 'walkthrough.sh');
  writeFileSync(script, [...prelude, ...body, ''].join('\n'));
  return new Promise((res, rej) => {
    const child = spawn('bash', [script], { cwd: root, stdio: 'ignore' });
    child.on('error', rej);
    child.on('close', () => res());
  });
}

/** issue 10, item 7: the README's walkthrough, run as written against a started gateway and the demo deck's agent. */
describe('README "Using it", run as written', () => {
  let gw: TestGateway;
  let agent: TestAgent;
  let outDir: string;
  const commands = usingItCommands(readFileSync(join(root, 'README.md'), 'utf8'));
  const output = (i: number) => readFileSync(join(outDir, `${i}.out`), 'utf8');
  const index = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));

  beforeAll(async () => {
    gw = await startTestGateway();
    agent = startTestAgent({ redisUrl: gw.config.redisUrl, deck: 'abstract_sdl' });
    await waitOnline(gw.url, gw.adminToken, agent);
    outDir = mkdtempSync(join(tmpdir(), 'ivoryos-readme-'));
    await runInBash(commands, gw.url.replace(/^http:\/\//, ''), outDir);
  }, 120_000);

  afterAll(async () => {
    await agent?.kill();
    await gw?.close();
    if (outDir && !process.env.KEEP_README_OUT) rmSync(outDir, { recursive: true, force: true });
  });

  it('finds the walkthrough: sign-in, decks, a direct call, import, validate, code, runs, live events', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const what of [/api\/auth\/login/, /instruments\/deck\.sdl/, /workflows\/import/, /\/validate/, /\/code/, /-N .*\/events/]) {
      expect(index(what)).toBeGreaterThanOrEqual(0);
    }
  });

  it('every command succeeds, in order', () => {
    const failed = commands
      .map((command, i) => ({ command, rc: readFileSync(join(outDir, `${i}.rc`), 'utf8').trim(), output: output(i).slice(0, 500) }))
      .filter((r) => r.rc !== '0');
    expect(failed).toEqual([]);
  });

  it('imports the shipped IvoryOS export, which is valid for the demo deck, and renders it as code', () => {
    expect(JSON.parse(output(index(/workflows\/import/)))).toMatchObject({ name: 'example', deck: 'abstract_sdl' });
    expect(JSON.parse(output(index(/\/validate/)))).toMatchObject({ valid: true });
    expect(output(index(/\/code/))).toContain('dose_solvent');
  });

  it('runs the JSON-row run and the config-CSV run to completion, and streams the live events', async () => {
    const auth = { authorization: `Bearer ${gw.adminToken}` };
    const csvRun = JSON.parse(output(index(/example_config\.csv/))) as { id: string };
    const runs = await waitFor(async () => {
      const body = (await (await fetch(`${gw.url}/api/runs?deck=abstract_sdl`, { headers: auth })).json()) as { items: { id: string; status: string }[] };
      return body.items.length === 2 && body.items.every((r) => r.status === 'completed') ? body.items : undefined;
    }, 60_000, 'both runs of the walkthrough to complete');
    expect(runs.map((r) => r.id)).toContain(csvRun.id);
    expect(output(index(/-N .*\/events/))).toContain('event: snapshot');
  }, 70_000);
});
