// Compiles every app, lib, tool and bench with swc into dist/ (path aliases rewritten to
// relative requires), then bundles the web UI with Vite into dist/apps/web (served by the
// gateway at /). Type checking is separate: `npm run typecheck`.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    'node_modules/@swc/cli/bin/swc.js', 'apps', 'libs', 'tools', 'bench', 'examples',
    '-d', 'dist', '--config-file', '.swcrc', '--quiet',
    '--ignore', '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,**/fixtures/**,apps/web/**',
  ],
  { stdio: 'inherit' },
);

// Non-TypeScript assets the built apps read at run time: the deck agent's Python bridge.
cpSync('apps/deck-agent/python', 'dist/apps/deck-agent/python', {
  recursive: true,
  filter: (source) => !source.includes('__pycache__'),
});
// SKIP_WEB_BUILD=1 skips the UI (a gateway-only rebuild in seconds); the gateway then serves no UI.
if (!process.env.SKIP_WEB_BUILD) {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/web/vite.config.mts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
