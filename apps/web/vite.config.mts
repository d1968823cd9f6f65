import { fileURLToPath } from 'node:url';
import { tanstackRouter } from '@tanstack/router-plugin/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The router plugin must come before react(): it writes src/routeTree.gen.ts (committed, so the
// type check works on a fresh clone) and splits every route into its own chunk.
export default defineConfig({
  root: here,
  plugins: [
    tanstackRouter({ target: 'react', autoCodeSplitting: true, routesDirectory: `${here}src/routes`, generatedRouteTree: `${here}src/routeTree.gen.ts` }),
    react(),
  ],
  // The shared libraries are source (one index.ts each); the browser may use contracts and the pure engine.
  resolve: {
    alias: {
      '@ivoryos/contracts': `${here}../../libs/contracts/src/index.ts`,
      '@ivoryos/workflow': `${here}../../libs/workflow/src/index.ts`,
    },
  },
  build: {
    // libs/workflow's index also exports the config-CSV reader, whose csv-parse touches Node's Buffer
    // when loaded. The UI never calls it (papaparse reads CSV in the browser), so it must not be loaded:
    // csv-parse is declared free of side effects and drops out with the unused export.
    rolldownOptions: { treeshake: { moduleSideEffects: (id: string) => !id.includes('/node_modules/csv-parse/') } }, outDir: `${here}../../dist/apps/web`, emptyOutDir: true, chunkSizeWarningLimit: 600, reportCompressedSize: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
