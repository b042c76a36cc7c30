import { defineConfig } from 'vitest/config';

// The client tests (issue 7, point 1): what a client-only install (`npm ci --omit=optional`, no
// better-sqlite3, no sodium-native) must pass. The centers these tests talk to run the real HTTP
// intake over an in-memory store (tests/harness/memory-center.ts); the serve and demo tests and
// the center's own tests need SQLite and stay in the full suite.
export default defineConfig({
  test: {
    include: [
      'tests/statement/**/*.test.ts',
      'tests/crypto/**/*.test.ts',
      'tests/transport/**/*.test.ts',
      'tests/cli/**/*.test.ts',
      'tests/i18n/**/*.test.ts',
      'tests/log/**/*.test.ts',
      'tests/index.test.ts',
      'tests/package/client-entry.test.ts',
    ],
    // demo, and the end-to-end checks against a real `sealpost serve` / `sealpost tally` (SQLite, libsodium).
    exclude: ['tests/cli/demo.test.ts', 'tests/cli/verify-e2e.test.ts', 'tests/cli/verify-counted.test.ts', 'node_modules/**'],
    env: { SEALPOST_CLIENT_ONLY: '1' },
    // The `serve` and `demo` rows of the table-driven CLI tests (bad-input, zh-output): named
    // `serve: …` or `serve --flag …`.
    testNamePattern: /^(?!.*(?:^|\s)(?:serve|demo)(?::|\s--))/,
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
