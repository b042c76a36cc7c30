/**
 * The single executable against the npm build (issue 11 acceptance): its size, and its start-up
 * time to `--version` and to the local page answering (`ui --no-open` until its URL answers),
 * against `node dist/bin/sealpost.mjs` measured in the same run, runs interleaved.
 *
 *   npm run build:exe && node dist/bench/exe.js [--exe dist/exe/sealpost-<os>-<arch>]... [--runs 20]
 *
 * `--exe` may be given more than once (e.g. a build with `--no-code-cache`, to see what the code
 * cache gives). No target: the numbers go in the README.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCenterKeys } from '../src/crypto/keys.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OS = ({ win32: 'win', darwin: 'macos' } as Record<string, string>)[process.platform] ?? process.platform;
const { values } = parseArgs({
  options: {
    exe: { type: 'string', multiple: true },
    runs: { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const exes = values.exe?.length ? values.exe : [join(ROOT, 'dist', 'exe', `sealpost-${OS}-${process.arch}`)];

interface Subject {
  readonly name: string;
  readonly cmd: string;
  readonly pre: readonly string[];
}
const node: Subject = { name: 'node dist/bin/sealpost.mjs', cmd: process.execPath, pre: [join(ROOT, 'dist', 'bin', 'sealpost.mjs')] };
const subjects: Subject[] = [node, ...exes.map((f) => ({ name: f.startsWith(ROOT) ? f.slice(ROOT.length) : f, cmd: f, pre: [] }))];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** Milliseconds from spawn to exit of `--version`. */
function version(s: Subject, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(s.cmd, [...s.pre, '--version'], { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${s.name} --version exited ${code}`))));
  });
}

/** One GET without a pooled connection; resolves with the status. */
function answer(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).once('error', reject);
  });
}

/** Milliseconds from spawn of `ui --no-open` to its URL answering (the secret's 303 to the page). */
function page(s: Subject, env: NodeJS.ProcessEnv, center: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(s.cmd, [...s.pre, '--center', center, 'ui', '--no-open'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let done = false;
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`${s.name} ui exited ${code}`));
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (done || !out.includes('\n')) return;
      done = true;
      answer(out.split('\n')[0]!).then(
        (status) => {
          const ms = performance.now() - t0;
          child.once('exit', () => (status === 303 ? resolve(ms) : reject(new Error(`${s.name}: the URL answered ${status}`))));
          child.kill('SIGTERM');
        },
        (err: unknown) => {
          child.kill('SIGTERM');
          reject(err as Error);
        },
      );
    });
  });
}

/** Bytes of the bundle's entry and the chunks it imports (dist/bin keeps older builds' chunks). */
function bundleBytes(binDir: string, entry: string): number {
  const seen = new Set<string>();
  const walk = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const m of readFileSync(join(binDir, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*["']\.\/([\w.-]+\.mjs)["']/g)) walk(m[1]!);
  };
  walk(entry);
  return [...seen].reduce((n, f) => n + statSync(join(binDir, f)).size, 0);
}

const dir = await mkdtemp(join(tmpdir(), 'sealpost-bench-exe-'));
try {
  await generateCenterKeys('bench.example.org', join(dir, 'keys'));
  const center = join(dir, 'keys', 'center.json');
  // No node on PATH for anyone (the node build is started by its absolute path), LANG=C.
  const env = { PATH: '/nonexistent', LANG: 'C', SEALPOST_HOME: join(dir, 'home') };

  const bundle = bundleBytes(join(ROOT, 'dist', 'bin'), 'sealpost.mjs');
  console.log(`size: ${node.name}: node ${mb(statSync(process.execPath).size)} + dist/bin/*.mjs ${mb(bundle)} = ${mb(statSync(process.execPath).size + bundle)}`);
  for (const s of subjects.slice(1)) console.log(`size: ${s.name}: ${mb(statSync(s.cmd).size)}`);

  for (const [what, measure] of [
    ['--version', (s: Subject) => version(s, env)],
    ['page answering', (s: Subject) => page(s, env, center)],
  ] as const) {
    const times = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
    for (const s of subjects) await measure(s); // warm the page cache once each
    for (let i = 0; i < runs; i++) for (const s of subjects) times.get(s)!.push(await measure(s));
    const base = median(times.get(node)!);
    for (const s of subjects) {
      const m = median(times.get(s)!);
      console.log(`${what}: ${s.name}: median ${m.toFixed(0)} ms of ${runs}` + (s === node ? '' : ` (ratio ${(m / base).toFixed(2)} against node)`));
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
