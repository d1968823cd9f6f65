// `npm test`: lint (with the Nx module-boundary rule), type check, build once, the web UI's
// component tests (vitest), then every jest suite (unit, integration against the real PostgreSQL
// and Redis, end to end against the built apps, the browser tests in Chromium). Ends with one
// line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import net from 'node:net';

// Every agent the tests and chaos scenarios start shares one schema cache, fresh for this run.
const env = {
  ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false',
  IVORYOS_SCHEMA_CACHE_DIR: process.env.IVORYOS_SCHEMA_CACHE_DIR ?? mkdtempSync(join(tmpdir(), 'ivoryos-schema-cache-')),
};
const node = process.execPath;

function run(label, args) {
  const t0 = Date.now();
  console.log(`\n▶ ${label}`);
  const res = spawnSync(node, args, { stdio: 'inherit', env });
  console.log(`${res.status === 0 ? '✔' : '✘'} ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return res.status === 0;
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1500 }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
    s.on('timeout', () => { s.destroy(); resolve(false); });
  });
}

const pg = new URL(process.env.IVORYOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const redis = new URL(process.env.IVORYOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const missing = [];
if (!(await reachable(pg.hostname, Number(pg.port || 5432)))) missing.push(`PostgreSQL at ${pg.host} (set IVORYOS_TEST_PG_URL)`);
if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) missing.push(`Redis at ${redis.host} (set IVORYOS_TEST_REDIS_URL)`);
if (missing.length) {
  console.error(`The integration tests need ${missing.join(' and ')}. Start them (see README) and run npm test again.`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

let ok = true;
ok = run('project graph', ['node_modules/nx/dist/bin/nx.js', 'show', 'projects', '--json']) && ok;
ok = run('lint (eslint + Nx module boundaries)', ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0']) && ok;
ok = run('type check', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']) && ok;
ok = run('type check (web UI)', ['node_modules/typescript/bin/tsc', '-p', 'apps/web/tsconfig.json', '--noEmit']) && ok;
ok = run('build', ['tools/build.mjs']) && ok;

// The web UI's component tests (vitest + Testing Library in jsdom); counted with the rest.
const vitestReport = join(mkdtempSync(join(tmpdir(), 'ivoryos-vitest-')), 'report.json');
ok = run('web component tests (vitest)', [
  'node_modules/vitest/vitest.mjs', 'run', '--config', 'apps/web/vitest.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`,
]) && ok;

const report = join(mkdtempSync(join(tmpdir(), 'ivoryos-jest-')), 'report.json');
const jestOk = run('jest (unit, integration, end to end)', [
  // --forceExit: a handle some library leaves open (seen after the whole run, not per suite) must not hang CI.
  'node_modules/jest/bin/jest.js', '--ci', '--forceExit', '--json', `--outputFile=${report}`, ...process.argv.slice(2),
]);
ok = jestOk && ok;
// Chaos scenarios (tools/chaos): the real gateway and agents killed, Redis wiped, PostgreSQL cut off.
const chaosReport = join(dirname(report), 'chaos.json');
ok = run('chaos scenarios', ['dist/tools/chaos/run-all.js', `--json=${chaosReport}`]) && ok;

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
}
if (existsSync(vitestReport)) {
  const v = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
}
if (existsSync(chaosReport)) {
  const c = JSON.parse(readFileSync(chaosReport, 'utf8'));
  passed += c.passed;
  failed += c.failed;
}
if (!ok && failed === 0) failed = 1; // a failed lint, type check or build counts as a failure
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
