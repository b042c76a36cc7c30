#!/usr/bin/env node
// `npm run build:exe [-- --center center.json] [--routes routes.note] [--no-code-cache] [--out dir] [--keep-work]`
// (issue 11, build point 2): a Node single-executable application of the client CLI and the
// local page, for the platform this runs on, as dist/exe/sealpost-<os>-<arch> with its SHA-256.
//
// Node 20's SEA runs one CommonJS script that can `require` only built-ins, so the CLI (from the
// tsc build in dist/src) is bundled by rolldown into one CJS file with every dynamic import
// inlined. Center code stays out: `serve`/`demo`/`tally` find no better-sqlite3 and exit 2 with
// `center-deps-missing`, as a client-only install does (src/center/deps.ts).
//
// A center builds its own with `--center` (and `--routes`): the files go in as SEA assets,
// which the CLI uses when neither `--center` nor the home folder gives one (src/exe/embedded.ts).
// Without `--center`, the package's config/center.json goes in when there is one, as npm ships it.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rolldown } from 'rolldown';
import postject from 'postject';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const { values } = parseArgs({
  options: {
    center: { type: 'string' },
    routes: { type: 'string' },
    out: { type: 'string' },
    'no-code-cache': { type: 'boolean', default: false },
    // Leaves <out>/.<name>.work (sealpost.cjs, sea-config.json, sea-prep.blob) for the steps by hand.
    'keep-work': { type: 'boolean', default: false },
  },
});

const entry = join(root, 'dist', 'src', 'exe', 'entry.js');
if (!existsSync(entry)) fail(`${entry} is missing: run \`npm run build\` first`);

const os = { win32: 'win', darwin: 'macos' }[process.platform] ?? process.platform;
const outDir = resolve(values.out ?? join(root, 'dist', 'exe'));
const name = `sealpost-${os}-${process.arch}${process.platform === 'win32' ? '.exe' : ''}`;
const exe = join(outDir, name);
const work = join(outDir, `.${name}.work`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. One CommonJS file. better-sqlite3 and sodium-native are loaded with createRequire at run
// time (never bundled); center/serve.js is imported by path after the better-sqlite3 check fails.
const bundleFile = join(work, 'sealpost.cjs');
const bundle = await rolldown({
  input: entry,
  platform: 'node',
  external: [/^better-sqlite3/, /^sodium-native/, /center\/serve\.js$/],
  logLevel: 'warn',
});
await bundle.write({ file: bundleFile, format: 'cjs', codeSplitting: false, sourcemap: false });
await bundle.close();

// 2. The preparation blob, with the embedded files as assets.
const assets = {};
const center = values.center ?? (existsSync(join(root, 'config', 'center.json')) ? join(root, 'config', 'center.json') : undefined);
if (center) assets['center.json'] = resolve(center);
if (values.routes) assets['routes.note'] = resolve(values.routes);
for (const f of Object.values(assets)) if (!existsSync(f)) fail(`no such file: ${f}`);
const blob = join(work, 'sea-prep.blob');
// Relative paths, run from the work folder: the blob records `main` as given, and an absolute
// one would make builds into different folders differ.
const config = {
  main: 'sealpost.cjs',
  output: 'sea-prep.blob',
  disableExperimentalSEAWarning: true,
  useSnapshot: false,
  useCodeCache: !values['no-code-cache'],
  assets,
};
writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config, null, 2));
// The code cache is V8's serialization of the compiled script, and V8 seeds its string hashing
// from a random number per process, which shows in the cache: two builds would differ there. A
// fixed --random-seed in the process that writes the blob makes the cache the same every time,
// and V8 leaves that flag out of the flag hash it checks when the executable loads the cache
// (tests/interop/exe.test.ts checks that it is accepted). --hash-seed would be checked: rejected.
const made = spawnSync(process.execPath, ['--random-seed=20', '--experimental-sea-config', 'sea-config.json'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
if (made.status !== 0) fail('node --experimental-sea-config failed');

// 3. A copy of this node with the blob injected (macOS: the NODE_SEA segment; then re-sign).
// Node's own signature would no longer match, so it goes first (Windows: where the SDK's
// signtool is on PATH; without it the exe still runs, its broken signature may get a warning).
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
if (process.platform === 'darwin') spawnSync('codesign', ['--remove-signature', exe], { stdio: 'inherit' });
if (process.platform === 'win32') spawnSync('signtool', ['remove', '/s', exe], { stdio: 'ignore' });
await postject.inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), {
  sentinelFuse: FUSE,
  ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
});
if (process.platform === 'darwin') spawnSync('codesign', ['--sign', '-', exe], { stdio: 'inherit' });

// 4. Its SHA-256 beside it, in sha256sum's format (`sha256sum -c` checks it from dist/exe).
const sum = createHash('sha256').update(readFileSync(exe)).digest('hex');
writeFileSync(`${exe}.sha256`, `${sum}  ${name}\n`);
if (!values['keep-work']) rmSync(work, { recursive: true, force: true });
// Stdout: the executable's path alone. Which Node it is a copy of, for whoever compares builds.
const nodeSum = createHash('sha256').update(readFileSync(process.execPath)).digest('hex');
process.stderr.write(`build-exe: ${exe}: sha256 ${sum}; Node ${process.version} ${process.platform}-${process.arch}, its binary's sha256 ${nodeSum}\n`);
process.stdout.write(`${exe}\n`);

function fail(message) {
  process.stderr.write(`build-exe: error: ${message}\n`);
  process.exit(1);
}
