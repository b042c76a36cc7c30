import { defineConfig } from 'vitest/config';

// The package as npm delivers it (issue 7, acceptance): `npm pack`, install the tarball, run it.
// A suite of its own because it runs npm (the registry or its cache), unlike `npm test`.
export default defineConfig({
  test: {
    include: ['tests/package/packed.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
