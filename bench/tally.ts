/**
 * The tally's speed (issue 10 acceptance): generated envelopes (bench/gen) tallied by the built
 * `sealpost tally` (worker threads, libsodium, `--private`), against two baselines measured in
 * the same run on the same data:
 *   - tweetnacl, single-threaded: src/crypto/envelope.ts openEnvelope + validate + count, on an
 *     even sample of the envelopes, extrapolated to all of them;
 *   - the bare libsodium open rate on all cores: nothing but `crypto_box_seal_open`, on an even
 *     sample held in memory (the limit).
 * Both baselines run just before and just after each tally and are averaged (shared cores drift:
 * this machine's speed moved by a fifth within minutes). The tally runs `--rounds` times (default
 * 3), each between two baseline runs, and the round of the median ratio to the limit is the result;
 * every round is printed. Targets: the tally at least 0.7 x the limit and at least 30 x tweetnacl.
 * Also the tally's peak RSS and the projected time for 11.4 million envelopes (and for 11,366,927
 * people in statements of this dataset's mean size).
 *
 *   npm run bench:tally -- [--envelopes 1000000] [--dir <folder to keep and reuse the dataset>]
 *                          [--threads n] [--sample 2000] [--bare 200000] [--rounds 3] [--json]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { openEnvelope } from '../src/crypto/envelope.js';
import { readSecretKeyFile } from '../src/crypto/keys.js';
import { IntakeDb } from '../src/center/sqlite-db.js';
import { parseStatement } from '../src/statement/codec.js';
import { countedKeep } from '../src/statement/counted.js';
import { statementTag } from '../src/statement/tag.js';
import { REPORT_PEOPLE } from './gen-data.js';
import type { Expected } from './gen-expected.js';
import { generate } from './gen.js';

const BIN = fileURLToPath(new URL('../bin/sealpost.mjs', import.meta.url));
const TARGET = 11_400_000;

/** An even sample of `n` envelopes of the data folder (every k-th entry). */
function sample(dataDir: string, n: number): Uint8Array[] {
  const db = new IntakeDb(join(dataDir, 'intake.sqlite'), { readonly: true });
  try {
    const size = db.count();
    const step = Math.max(1, Math.floor(size / n));
    const out: Uint8Array[] = [];
    for (let i = 0; i < size && out.length < n; i += step) out.push(Uint8Array.from(db.entry(i)!.envelope));
    return out;
  } finally {
    db.close();
  }
}

/** The reference tally on one thread: open, validate, dedup and count (envelopes per second). */
function tweetnaclRate(envelopes: readonly Uint8Array[], secretKey: Uint8Array): number {
  const ids = new Set<string>();
  const tags = new Set<string>();
  let people = 0;
  const t = performance.now();
  for (const env of envelopes) {
    try {
      const st = parseStatement(openEnvelope(env, [secretKey]), { today: '2026-11-30' });
      const k = countedKeep(st);
      const tag = statementTag(st);
      if (ids.has(st.id) || tags.has(tag)) continue;
      ids.add(st.id);
      tags.add(tag);
      people += k.people;
    } catch {
      // rejected: counted by reason in the real tally
    }
  }
  const s = (performance.now() - t) / 1000;
  if (people === 0) throw new Error('the tweetnacl sample counted nobody');
  return envelopes.length / s;
}

const BARE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodium);
const pk = Buffer.from(workerData.pk), sk = Buffer.from(workerData.sk);
const bufs = workerData.envelopes.map((e) => Buffer.from(e.buffer, e.byteOffset, e.length).subarray(1));
const outs = new Map();
parentPort.once('message', () => {
  let ok = 0;
  for (const c of bufs) {
    let m = outs.get(c.length);
    if (!m) outs.set(c.length, (m = Buffer.alloc(c.length - 48)));
    if (sodium.crypto_box_seal_open(m, c, pk, sk)) ok++;
  }
  parentPort.postMessage(ok);
});`;

/** crypto_box_seal_open alone on `threads` threads over `envelopes` held in memory (envelopes per second). */
async function bareRate(envelopes: readonly Uint8Array[], pk: Uint8Array, sk: Uint8Array, threads: number): Promise<number> {
  const sodium = createRequire(import.meta.url).resolve('sodium-native');
  const shares = Array.from({ length: threads }, (_, w) => envelopes.filter((_, i) => i % threads === w));
  const workers = shares.map((share) => new Worker(BARE_WORKER, { eval: true, workerData: { sodium, pk, sk, envelopes: share } }));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
  const t = performance.now();
  const opened = await Promise.all(workers.map((w) => new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage('go');
  })));
  const s = (performance.now() - t) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  if (opened.reduce((a, b) => a + b, 0) === 0) throw new Error('libsodium opened nothing');
  return envelopes.length / s;
}

/** The built `sealpost tally` as a child; its wall time and peak RSS (of its process, threads included). */
async function tally(dir: string, threads: number): Promise<{ seconds: number; rssMB: number; summary: Record<string, unknown> }> {
  const script = `
    const t = performance.now();
    process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(['tally', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--out', join(dir, 'out'), '--private', join(dir, 'private'), '--threads', String(threads), '--json'])}];
    process.on('exit', () => process.stderr.write('\\nBENCH ' + JSON.stringify({ seconds: (performance.now() - t) / 1000, rssKB: process.resourceUsage().maxRSS }) + '\\n'));
    await import(${JSON.stringify(BIN)});`;
  // A file, not -e: the tally's worker threads inherit the parent's exec arguments.
  await writeFile(join(dir, 'tally-run.mjs'), script);
  const child = spawn(process.execPath, [join(dir, 'tally-run.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const m = /BENCH (\{.*\})/.exec(err);
  if (code !== 0 || !m) throw new Error(`tally failed (${code}): ${err.slice(-2000)}`);
  const b = JSON.parse(m[1]!) as { seconds: number; rssKB: number };
  return { seconds: b.seconds, rssMB: b.rssKB / 1024, summary: JSON.parse(out) as Record<string, unknown> };
}

/** One round's figures: a tally between two runs of the baselines. */
interface Round {
  readonly tally: { seconds: number; envelopesPerSecond: number; peakRssMB: number };
  readonly tweetnacl: { sample: number; envelopesPerSecond: number; before: number; after: number; extrapolatedSeconds: number };
  readonly libsodiumBare: { sample: number; threads: number; envelopesPerSecond: number; before: number; after: number };
  readonly ratios: { ofLimit: number; ofTweetnacl: number };
}

const fmt = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(2)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: { envelopes: { type: 'string' }, dir: { type: 'string' }, threads: { type: 'string' }, sample: { type: 'string' }, bare: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'boolean' } } });
  const n = Number((v.envelopes ?? '1000000').replaceAll('_', ''));
  const threads = Number(v.threads ?? availableParallelism());
  const dir = v.dir ?? (await mkdtemp(join(tmpdir(), 'sealpost-bench-tally-')));
  const log = (s: string) => (v.json ? undefined : console.log(s));
  let expected: Expected;
  if (existsSync(join(dir, 'data', 'expected.json'))) {
    expected = JSON.parse(await readFile(join(dir, 'data', 'expected.json'), 'utf8')) as Expected;
    log(`reusing ${dir}: ${expected.received} envelopes`);
  } else {
    const bad = { corrupt: Math.round(n / 2000), otherKey: Math.round(n / 4000), invalid: Math.round(n / 2000), duplicates: Math.round(n / 500) };
    let last = performance.now();
    const progress = (k: number) => {
      if (v.json || performance.now() - last < 10_000) return;
      last = performance.now();
      console.log(`  generating: ${k} envelopes`);
    };
    const r = await generate({ out: join(dir, 'data'), keys: join(dir, 'keys'), statements: n, seed: 'bench', bad, onProgress: progress });
    expected = r.expected;
    log(`generated ${r.envelopes} envelopes (${expected.people} people) in ${fmt(r.seconds)}: ${Math.round(r.rate)} envelopes/s (${r.sealer}, ${r.threads} threads)`);
  }
  const box = await readSecretKeyFile(join(dir, 'keys', 'box.key'), 'box');
  const sampleN = Number(v.sample ?? 2000);
  const bareN = Math.min(expected.received, Number(v.bare ?? 200_000));
  const rounds = Math.max(1, Number(v.rounds ?? 3));
  const tweetSample = sample(join(dir, 'data'), sampleN);
  const bareSample = sample(join(dir, 'data'), bareN);
  // Both baselines just before and just after each tally, averaged: on shared cores the machine's
  // speed drifts over minutes, and the ratios should compare like with like.
  const baselines = async () => ({ tweet: tweetnaclRate(tweetSample, box.secretKey), bare: await bareRate(bareSample, box.publicKey, box.secretKey, threads) });
  const perEnvelope = expected.people / expected.statements;
  const runs: Round[] = [];
  let pre = await baselines();
  for (let k = 0; k < rounds; k++) {
    await rm(join(dir, 'out'), { recursive: true, force: true });
    await rm(join(dir, 'private'), { recursive: true, force: true });
    const t = await tally(dir, threads);
    if (t.summary.totals && (t.summary.totals as { people: number }).people !== expected.people) throw new Error('the tally did not count the expected people');
    const post = await baselines();
    const rate = expected.received / t.seconds;
    const tweet = (pre.tweet + post.tweet) / 2;
    const bare = (pre.bare + post.bare) / 2;
    runs.push({
      tally: { seconds: +t.seconds.toFixed(2), envelopesPerSecond: Math.round(rate), peakRssMB: Math.round(t.rssMB) },
      tweetnacl: { sample: sampleN, envelopesPerSecond: Math.round(tweet), before: Math.round(pre.tweet), after: Math.round(post.tweet), extrapolatedSeconds: Math.round(expected.received / tweet) },
      libsodiumBare: { sample: bareN, threads, envelopesPerSecond: Math.round(bare), before: Math.round(pre.bare), after: Math.round(post.bare) },
      ratios: { ofLimit: +(rate / bare).toFixed(3), ofTweetnacl: +(rate / tweet).toFixed(1) },
    });
    log(`round ${k + 1}: tally ${fmt(t.seconds)}, ${runs[k]!.ratios.ofLimit} x the limit (${runs[k]!.libsodiumBare.envelopesPerSecond}/s), ${runs[k]!.ratios.ofTweetnacl} x tweetnacl (${runs[k]!.tweetnacl.envelopesPerSecond}/s)`);
    pre = post;
  }
  const median = [...runs].sort((a, b) => a.ratios.ofLimit - b.ratios.ofLimit)[Math.floor(runs.length / 2)]!;
  const rate = median.tally.envelopesPerSecond;
  const result = {
    envelopes: expected.received,
    people: expected.people,
    threads,
    ...median,
    targets: { ofLimit: 0.7, ofTweetnacl: 30, met: median.ratios.ofLimit >= 0.7 && median.ratios.ofTweetnacl >= 30 },
    projected: { envelopes11_4M: Math.round(TARGET / rate), people11_366_927: Math.round(REPORT_PEOPLE / perEnvelope / rate), peoplePerEnvelope: +perEnvelope.toFixed(2) },
    rounds: runs,
  };
  if (v.json) console.log(JSON.stringify(result));
  else {
    const t = median.tally;
    log(`median of ${rounds} round${rounds > 1 ? 's' : ''} (ratios to the limit ${runs.map((r) => r.ratios.ofLimit).join(', ')}; to tweetnacl ${runs.map((r) => r.ratios.ofTweetnacl).join(', ')}):`);
    log(`tally (sealpost tally --private, ${threads} threads): ${result.envelopes} envelopes in ${fmt(t.seconds)} = ${t.envelopesPerSecond} envelopes/s, peak RSS ${t.peakRssMB} MB`);
    log(`tweetnacl, 1 thread (open + validate + count, sample of ${sampleN}, extrapolated): ${result.tweetnacl.envelopesPerSecond} envelopes/s (${result.tweetnacl.before} before the tally, ${result.tweetnacl.after} after), ${fmt(result.tweetnacl.extrapolatedSeconds)} for all`);
    log(`libsodium crypto_box_seal_open alone, ${threads} threads (sample of ${bareN} in memory): ${result.libsodiumBare.envelopesPerSecond} envelopes/s (${result.libsodiumBare.before} before, ${result.libsodiumBare.after} after; the limit)`);
    log(`ratios: ${result.ratios.ofLimit} x the limit (target >= 0.7), ${result.ratios.ofTweetnacl} x tweetnacl (target >= 30): ${result.targets.met ? 'met' : 'NOT met'}`);
    log(`projected: 11.4 million envelopes in ${fmt(result.projected.envelopes11_4M)}; 11,366,927 people (${result.projected.peoplePerEnvelope} per envelope) in ${fmt(result.projected.people11_366_927)}`);
  }
  if (!v.dir) await rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
