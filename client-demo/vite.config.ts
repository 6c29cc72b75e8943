import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Vite config of the browser client. The SDK, the protocol and the client's query list are imported as TypeScript source
 * from the server workspace (no prebuild); the game server serves `dist/` and the WebSocket, so
 * `vite dev` proxies both to `TICKSPACE_URL` (default http://localhost:3000).
 */
export default defineConfig({
  root: here,
  base: './',
  resolve: {
    alias: {
      '@tickspace/server/client': `${repoRoot}server/src/client/index.ts`,
      '@tickspace/server/protocol': `${repoRoot}server/src/protocol/index.ts`,
      '@tickspace/server/world/client-queries': `${repoRoot}server/src/world/client-queries.ts`,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/ws': { target: process.env.TICKSPACE_URL ?? 'http://localhost:3000', ws: true },
      '/api': { target: process.env.TICKSPACE_URL ?? 'http://localhost:3000' },
    },
  },
});
