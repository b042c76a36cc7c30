import { defineConfig } from 'vitest/config';

// The censorship lab (issue 12): network namespaces, iptables and nftables, real servers in them;
// root only (CI runs as root), each test skips with a message elsewhere. One file at a time: the
// labs are machine-wide (namespaces, /etc/netns).
export default defineConfig({
  test: {
    include: ['tests/lab/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
