import { defineConfig } from 'vitest/config';

// The second suite (run by .ci/run, not by `npm test`): crash loops and large datasets (issue 8).
export default defineConfig({
  test: {
    include: ['tests/slow/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
