import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/interop/**', 'tests/slow/**', 'tests/lab/**', 'tests/package/packed.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most files wait on child processes and sockets, not the CPU: vitest's default on 2 cores is
    // one worker (cores - 1), which left the suite at ~8 min; three keep both cores busy. Files
    // share a worker's module graph (no isolation): re-importing the sources for every file was a
    // third of the CPU. A test that changes process-wide state (env, timers, caches) restores it.
    maxWorkers: 3,
    isolate: false,
  },
});
