import { defineConfig } from 'vitest/config';

// Projects: unit (fast, in-process), integration (real processes, sockets, files), browser (real chromium).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'server/test/**/*.test.ts',
            'sim/test/**/*.test.ts',
            'load-test/test/**/*.test.ts',
            'content/test/**/*.test.ts',
          ],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          // Source errors elsewhere are `npm run typecheck`'s job (run by CI); here only the type tests count.
          typecheck: {
            enabled: true,
            include: ['server/test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
            ignoreSourceErrors: true,
          },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/test/**/*.integration.test.ts'],
          exclude: ['**/node_modules/**', 'client-demo/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['client-demo/test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
