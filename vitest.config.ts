import { defineConfig } from 'vitest/config';

/**
 * Three projects, run one after another by `npm test` (scripts/test.mjs):
 * - unit: fast tests in parallel;
 * - timing: tests that measure wall time, one file at a time so they do not compete for the CPU;
 * - e2e: the whole service against the sandboxes and a real browser, one file at a time.
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.timing.test.ts', 'test/e2e/**', '**/node_modules/**'],
          // Generous: many tests start CLI processes (seconds each under tsx on a loaded 2-core
          // machine); none of these tests measures time, so a slow machine must not fail them.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['test/setup/cli-build.ts'],
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'timing',
          include: ['test/**/*.timing.test.ts'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
    ],
  },
});
