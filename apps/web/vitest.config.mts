import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  plugins: [react()],
  resolve: {
    alias: {
      '@ivoryos/contracts': `${here}../../libs/contracts/src/index.ts`,
      '@ivoryos/workflow': `${here}../../libs/workflow/src/index.ts`,
    },
  },
  // jsdom renders of whole Mantine forms took 6–8 s on a loaded 2-core CI machine: the 5 s default
  // failed tests that were right, so the limit is generous (a hang still fails).
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'], setupFiles: ['./src/test-setup.ts'], testTimeout: 30_000 },
});
