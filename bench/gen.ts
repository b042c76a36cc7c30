/**
 * A generator of realistic tally data (issue 10, point 5): sealed statements to a test center's
 * box key, appended through the intake's SQLite store into a real data folder (what `serve --data`
 * leaves, received log included), with the distributions of the 2006 report (bench/gen-data.ts)
 * and the figures a correct tally must find (bench/gen-expected.ts) written beside them.
 *
 *   node dist/bench/gen.js --out <data dir> --keys <keys dir> (--people N | --statements N | --fixed)
 *        [--seed s] [--corrupt n] [--other-key n] [--invalid n] [--duplicates n] [--milestone-step n]
 *        [--threads n] [--center name] [--expected file] [--json]
 *
 * `--fixed`: the 1/100 scale of the report (113,669 people, 68,770 in the CCP, 163 abroad, the
 * report's sectors / 100, three government cells filled to be published, milestone step 10,000).
 * `--keys` is created with fresh center keys when it holds none. Deterministic from the seed:
 * the same seed gives the same envelopes byte for byte.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import nacl from 'tweetnacl';
import { envelopeId } from '../src/crypto/envelope.js';
import { generateCenterKeys, readSecretKeyFile } from '../src/crypto/keys.js';
import { openSqliteStore } from '../src/center/sqlite-store.js';
import type { Entry } from '../src/center/store.js';
import { GROUP_SIZES, HMT_SHARE, REPORT_ABROAD, REPORT_CCP, REPORT_PEOPLE, REPORT_SECTORS } from './gen-data.js';
import { ExpectedTally, type Expected } from './gen-expected.js';
import { Planner, type BadCounts, type GenTargets } from './gen-plan.js';
import { material, paddedSealer, sealChunk, type PlanItem, type SealContext } from './gen-seal.js';
import type { GenAnswer, GenJob } from './gen-worker.js';

const WORKER_URL = new URL('./gen-worker.js', import.meta.url);

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** The data folder to create (`intake.sqlite` inside); it must not hold entries yet. */
  readonly out: string;
  /** The keys folder: read, or created with fresh keys for `center` when it has no box.key. */
  readonly keys: string;
  /** People to count; or `statements` (approximate); or `fixed`. */
  readonly people?: number;
  readonly statements?: number;
  /** The 1/100 scale of the 2006 report, exactly (see the file comment). */
  readonly fixed?: boolean;
  readonly seed?: string | number;
  readonly bad?: Partial<BadCounts>;
  /** Milestone step of the expected figures (default 10,000 with `fixed`, else 1,000,000). */
  readonly milestoneStep?: number;
  /** Sealing threads (default: the machine's parallelism; 0 seals on the calling thread). */
  readonly threads?: number;
  /** Envelopes per chunk (default 1024). */
  readonly chunk?: number;
  readonly center?: string;
  /** Where the expected figures are written (default `<out>/expected.json`). */
  readonly expectedFile?: string;
  readonly onProgress?: (envelopes: number, people: number) => void;
}

/** What {@link generate} did. */
export interface GenerateResult {
  readonly expected: Expected;
  readonly expectedFile: string;
  readonly envelopes: number;
  readonly seconds: number;
  /** Envelopes sealed and stored per second. */
  readonly rate: number;
  readonly sealer: 'libsodium' | 'tweetnacl';
  readonly threads: number;
}

/** The 1/100 scale of the report: the acceptance dataset of issue 10. */
export const FIXED_TARGETS: GenTargets = {
  people: 113_669,
  ccp: 68_770,
  abroad: 163,
  HK: Math.round(113_669 * HMT_SHARE.HK),
  MO: Math.round(113_669 * HMT_SHARE.MO),
  TW: Math.round(113_669 * HMT_SHARE.TW),
  sectors: { government: 204, 'public-security': 9, 'discipline-inspection': 6, 'peoples-congress': 4, court: 1, 'state-security': 1 },
  pinned: [
    { sector: 'government', province: '110000', date: '2005-06-08', statements: 12 },
    { sector: 'government', province: '230000', date: '2005-09-14', statements: 10 },
    { sector: 'government', province: '210000', date: '2006-01-11', statements: 11 },
  ],
};

/** Mean people per group of the size table (for `statements`). */
const MEAN_GROUP = GROUP_SIZES.reduce((n, [a, b, w]) => n + w * ((a + b) / 2), 0) / GROUP_SIZES.reduce((n, [, , w]) => n + w, 0);

/** The report's proportions scaled to `people`. */
export function scaledTargets(people: number): GenTargets {
  const s = (n: number) => Math.round((n * people) / REPORT_PEOPLE);
  return {
    people,
    ccp: s(REPORT_CCP),
    abroad: s(REPORT_ABROAD),
    HK: Math.round(people * HMT_SHARE.HK),
    MO: Math.round(people * HMT_SHARE.MO),
    TW: Math.round(people * HMT_SHARE.TW),
    sectors: Object.fromEntries(Object.entries(REPORT_SECTORS).map(([k, n]) => [k, s(n)])),
    pinned: [],
  };
}

/** Chunks of the planned stream; a chunk never ends right before a `copy` (it needs its original). */
function* chunks(planner: Planner, size: number, onItem: (it: PlanItem) => void): Generator<PlanItem[]> {
  let peek = planner.next();
  while (peek) {
    const items: PlanItem[] = [];
    while (peek && (items.length < size || peek.kind === 'copy')) {
      items.push(peek);
      onItem(peek);
      peek = planner.next();
    }
    yield items;
  }
}

interface Sealer {
  readonly threads: number;
  readonly name: 'libsodium' | 'tweetnacl';
  seal(items: PlanItem[]): Promise<{ buf: Uint8Array; lengths: number[] }>;
  close(): Promise<void>;
}

function startSealer(ctx: SealContext, threads: number): Sealer {
  const { name, seal } = paddedSealer();
  if (threads === 0 || !existsSync(fileURLToPath(WORKER_URL))) {
    return { threads: 0, name, seal: async (items) => sealChunk(ctx, seal, items), close: async () => {} };
  }
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_URL, { workerData: ctx }));
  const waiting = new Map<number, { resolve(r: { buf: Uint8Array; lengths: number[] }): void; reject(e: Error): void }>();
  for (const w of workers) {
    w.on('message', (a: GenAnswer) => {
      const p = waiting.get(a.id);
      waiting.delete(a.id);
      if ('error' in a) p?.reject(new Error(`gen worker: ${a.error}`));
      else p?.resolve({ buf: a.buf, lengths: a.lengths });
    });
    w.on('error', (err) => {
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
    });
  }
  let next = 0;
  return {
    threads,
    name,
    seal: (items) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        workers[id % threads]!.postMessage({ id, items } satisfies GenJob);
      }),
    close: async () => void (await Promise.all(workers.map((w) => w.terminate()))),
  };
}

/**
 * Generates a dataset (see the file comment) and writes the expected figures as JSON.
 * @throws RangeError for contradictory targets; Error when the data folder already holds entries.
 */
export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const seed = String(opts.seed ?? 2006);
  const targets = opts.fixed ? FIXED_TARGETS : scaledTargets(opts.people ?? Math.round((opts.statements ?? 10_000) * MEAN_GROUP));
  const bad: BadCounts = { corrupt: 0, otherKey: 0, invalid: 0, duplicates: 0, ...opts.bad };
  const step = opts.milestoneStep ?? (opts.fixed ? 10_000 : 1_000_000);
  if (!existsSync(join(opts.keys, 'box.key'))) await generateCenterKeys(opts.center ?? 'gen.example.org', opts.keys);
  const box = await readSecretKeyFile(join(opts.keys, 'box.key'), 'box');
  const otherKey = nacl.scalarMult.base(new Uint8Array(material(seed, 'other', 0).subarray(0, 32)));
  const ctx: SealContext = { seed, boxKey: box.publicKey, otherKey };
  await mkdir(opts.out, { recursive: true });
  const store = await openSqliteStore({ path: join(opts.out, 'intake.sqlite'), thread: 'main', maxBatch: 4096, maxQueue: 1 << 16 });
  const sealer = startSealer(ctx, opts.threads ?? availableParallelism());
  const tally = new ExpectedTally();
  const planner = new Planner(seed, targets, bad);
  const started = performance.now();
  let envelopes = 0;
  try {
    if ((await store.count()) > 0) throw new Error(`${opts.out} already holds entries: generate into an empty data folder`);
    const inflight: Array<Promise<{ buf: Uint8Array; lengths: number[] }>> = [];
    const depth = Math.max(2, sealer.threads * 3);
    const source = chunks(planner, opts.chunk ?? 1024, (it) => tally.add(it));
    let stored: Promise<Entry[]> = Promise.resolve([]);
    const fill = () => {
      while (inflight.length < depth) {
        const c = source.next();
        if (c.done) return;
        const p = sealer.seal(c.value);
        p.catch(() => {});
        inflight.push(p);
      }
    };
    fill();
    for (let head = inflight.shift(); head; head = inflight.shift()) {
      const { buf, lengths } = await head;
      fill();
      await stored; // at most one chunk waits for the store
      const appends: Array<Promise<Entry>> = [];
      let at = 0;
      for (const n of lengths) {
        const envelope = buf.subarray(at, at + n);
        at += n;
        // The delivery token's idempotency key (spec 3), from the seed: one entry per envelope.
        const idem = new Uint8Array(createHash('sha256').update(seed).update('idem').update(String(envelopes++)).digest());
        appends.push(store.append({ idem, eh: envelopeId(envelope), envelope }));
      }
      stored = Promise.all(appends);
      opts.onProgress?.(envelopes, planner.people);
    }
    await stored;
  } finally {
    await sealer.close();
    await store.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const expected = tally.result(seed, targets, bad, step);
  const expectedFile = opts.expectedFile ?? join(opts.out, 'expected.json');
  await writeFile(expectedFile, `${JSON.stringify(expected, null, 1)}\n`);
  return { expected, expectedFile, envelopes, seconds, rate: envelopes / seconds, sealer: sealer.name, threads: sealer.threads };
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      out: { type: 'string' }, keys: { type: 'string' }, people: { type: 'string' }, statements: { type: 'string' },
      fixed: { type: 'boolean' }, seed: { type: 'string' }, corrupt: { type: 'string' }, 'other-key': { type: 'string' },
      invalid: { type: 'string' }, duplicates: { type: 'string' }, 'milestone-step': { type: 'string' },
      threads: { type: 'string' }, chunk: { type: 'string' }, center: { type: 'string' }, expected: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  if (!v.out || !v.keys || !(v.people || v.statements || v.fixed)) {
    console.error('usage: node dist/bench/gen.js --out <data dir> --keys <keys dir> (--people N | --statements N | --fixed) [--seed s] [--corrupt n] [--other-key n] [--invalid n] [--duplicates n] [--milestone-step n] [--threads n] [--json]');
    process.exit(2);
  }
  const int = (s: string | undefined) => (s === undefined ? undefined : Number(s.replaceAll('_', '')));
  const bad = { corrupt: int(v.corrupt) ?? 0, otherKey: int(v['other-key']) ?? 0, invalid: int(v.invalid) ?? 0, duplicates: int(v.duplicates) ?? 0 };
  let last = 0;
  const r = await generate({
    out: v.out, keys: v.keys, bad,
    ...(v.fixed ? { fixed: true } : {}),
    ...(v.people ? { people: int(v.people)! } : {}),
    ...(v.statements ? { statements: int(v.statements)! } : {}),
    ...(v.seed ? { seed: v.seed } : {}),
    ...(v['milestone-step'] ? { milestoneStep: int(v['milestone-step'])! } : {}),
    ...(v.threads ? { threads: int(v.threads)! } : {}),
    ...(v.chunk ? { chunk: int(v.chunk)! } : {}),
    ...(v.center ? { center: v.center } : {}),
    ...(v.expected ? { expectedFile: v.expected } : {}),
    onProgress: (n, people) => {
      if (v.json || performance.now() - last < 5000) return;
      last = performance.now();
      console.error(`  ${n} envelopes, ${people} people`);
    },
  });
  const e = r.expected;
  const summary = { envelopes: r.envelopes, statements: e.statements, people: e.people, rejected: e.rejected, seconds: +r.seconds.toFixed(2), envelopesPerSecond: Math.round(r.rate), sealer: r.sealer, threads: r.threads, expected: r.expectedFile };
  if (v.json) console.log(JSON.stringify(summary));
  else console.log(`generated ${r.envelopes} envelopes (${e.statements} statements, ${e.people} people) in ${r.seconds.toFixed(1)} s: ${Math.round(r.rate)} envelopes/s (${r.sealer}, ${r.threads} threads); expected figures in ${r.expectedFile}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
