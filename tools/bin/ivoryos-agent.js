#!/usr/bin/env node
// `ivoryos-agent <deck-file>`: the compiled deck agent CLI. Plain JS so it runs without a build step
// of its own; it only points at the build output.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', '..', 'dist', 'apps', 'deck-agent', 'src', 'cli.js');
if (!existsSync(cli)) {
  console.error(`ivoryos-agent: ${cli} is missing. Build first: npm run build`);
  process.exit(1);
}
require(cli);
