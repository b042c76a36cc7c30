// Bundles the CLI into dist/bin/ so that a run loads a few files instead of ~150 modules: the
// ESM loader's per-file cost was most of a submission's 0.7 s here. The intake server is not
// bundled: `serve` and `demo` load dist/src/center/serve.js at run time (its worker threads are
// separate files), and better-sqlite3 is a native module, an optional dependency that the bundle
// only checks for (src/center/deps.ts: a client-only install exits 2 saying what to install, issue 7).
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { sealpost: 'dist/src/cli/main.js' },
  platform: 'node',
  external: [/^better-sqlite3/, /center\/serve\.js$/],
  output: {
    dir: 'dist/bin',
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: '[name]-[hash].mjs',
    sourcemap: true,
  },
});
