import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['dist/**', 'node_modules/**', 'ivoryos_data/**', '**/fixtures/**', 'coverage/**', 'apps/web/src/routeTree.gen.ts', 'apps/web/src/api/schema.d.ts', 'apps/web/e2e/screenshots/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // contracts is the leaf everything shares: it depends on nothing of ours
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:contracts'] },
            // the optimizer is pure maths: suggest(config, trials, seed) needs nothing of ours
            { sourceTag: 'lib:optimizer', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:data'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:engine', 'type:data', 'type:testing'] },
            // the agent never reaches the database, and the gateway does not load deck code
            { sourceTag: 'scope:agent', notDependOnLibsWithTags: ['scope:gateway'] },
            { sourceTag: 'scope:gateway', notDependOnLibsWithTags: ['scope:agent'] },
            // the browser UI speaks only the public API: shared types and the pure workflow engine
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['type:contracts', 'type:engine'] },
            // the browser tests start the real system through the test helpers, and drive it from outside
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
