// One jest run over the whole workspace. @swc/jest keeps decorator metadata, which Nest's
// injection needs; path aliases mirror tsconfig.base.json.
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;
swc.jsc.baseUrl = __dirname;

const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] };
const moduleNameMapper = {
  '^@ivoryos/(contracts|deck|db|workflow|introspection|testing|optimizer|telemetry)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,examples}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts', '<rootDir>/{apps,libs,tools}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFiles: ['<rootDir>/libs/testing/src/jest-setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest-timeout.ts'],
    },
  ],
};
