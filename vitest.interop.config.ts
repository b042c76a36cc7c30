import { defineConfig } from 'vitest/config';

// The interop suite: sealpost against Debian's proxy servers (installed by .ci/run with apt-get).
export default defineConfig({
  test: {
    include: ['tests/interop/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
