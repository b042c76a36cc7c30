/**
 * The tally's opening pool: chunks of envelopes opened across worker threads, answered in the
 * order they were given (the tally's dedup needs received-log order: spec 8, "the first in the
 * received log is counted"). Without the compiled worker module (sources under vitest) the
 * chunks are opened on the calling thread, with the same functions.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beginRun, hasSodium, openRange, type OpenedRange, type OpeningRun, type RunOptions } from './open.js';
import type { BeginJob, CopyUnitJob, OpenAnswer, OpenJob, ShareJob } from './open-worker.js';
import { copyUnit, type CopyJob } from './roots.js';
import type { Hash } from '../../log/merkle.js';

const WORKER_URL = new URL('./open-worker.js', import.meta.url);

export type { OpenedRange, RunOptions } from './open.js';

/**
 * Opens ranges of the received log; `open` resolves in any order, but each with its own range's
 * results. The threads start at once and load their modules while the tally reads its keys and
 * state; {@link OpenPool.begin} gives them the run before the first range.
 */
export interface OpenPool {
  /** How many threads open (0: the calling thread). */
  readonly threads: number;
  /** Which library opens the boxes: libsodium (sodium-native) or the reference tweetnacl opener. */
  readonly opener: 'libsodium' | 'tweetnacl';
  /** The run: its box keys, opening day and hash seed (`hash-index.ts`). Once, before {@link open}. */
  begin(run: RunOptions): void;
  /** Opens received entries [from, from + count) (fewer at the end of the log). */
  open(from: number, count: number): Promise<OpenedRange>;
  /**
   * Gives the threads the tally's record buffers (in shared memory), for the {@link copyUnit}
   * calls that follow.
   */
  share(buffers: readonly Uint8Array[]): void;
  /**
   * Copies a unit of the counted log's lines into `out` (shared memory) out of the shared buffers
   * and returns its subtree root (`roots.ts` copyUnit).
   */
  copyUnit(out: Uint8Array, job: CopyJob): Promise<Hash>;
  /** Stops the threads (and closes the database); again, the same promise. */
  close(): Promise<void>;
}

export interface PoolOptions {
  /** The intake database file, opened read-only by each thread. */
  readonly db: string;
  /** Keep the people's names (`--private`). */
  readonly names: boolean;
  /** Worker threads (default: the machine's parallelism); 0 opens on the calling thread. */
  readonly threads?: number;
}

function inlinePool(opts: PoolOptions): OpenPool {
  let run: OpeningRun | undefined;
  let buffers: readonly Uint8Array[] = [];
  let closed: Promise<void> | undefined;
  return {
    threads: 0,
    opener: hasSodium() ? 'libsodium' : 'tweetnacl',
    begin(r) {
      run = beginRun(opts.db, r);
    },
    async open(from, count) {
      if (!run) throw new Error('tally pool: a range before the run began');
      return openRange(run.db, from, count, run.open, run.today, opts.names, run.seed);
    },
    share(b) {
      buffers = b;
    },
    copyUnit: async (out, job) => copyUnit(buffers, out, job),
    close: () => (closed ??= Promise.resolve().then(() => run?.db.close())),
  };
}

/** The intake's database file in a data folder (src/center/serve.ts `DB_FILE`). */
export const DB_FILE = 'intake.sqlite';

/** The pool of a tally run (`run.ts` runTally) with these options. */
export function startTallyPool(opts: { readonly dataDir: string; readonly privateDir?: string; readonly threads?: number }): OpenPool {
  return startPool({ db: join(opts.dataDir, DB_FILE), names: opts.privateDir !== undefined, ...(opts.threads !== undefined ? { threads: opts.threads } : {}) });
}

/** Starts the pool (worker threads when the compiled worker exists and `threads` is not 0). */
export function startPool(opts: PoolOptions): OpenPool {
  const n = opts.threads ?? availableParallelism();
  if (n === 0 || !existsSync(fileURLToPath(WORKER_URL))) return inlinePool(opts);
  const workerData = { names: opts.names, db: opts.db };
  const workers = Array.from({ length: n }, () => new Worker(WORKER_URL, { workerData }));
  const waiting = new Map<number, { resolve(r: OpenAnswer): void; reject(e: Error): void }>();
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  for (const w of workers) {
    w.on('message', (a: OpenAnswer) => {
      const p = waiting.get(a.id);
      waiting.delete(a.id);
      if ('error' in a) p?.reject(new Error(`tally worker: ${a.error}`));
      else p?.resolve(a);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`tally worker exited with code ${code}`));
    });
  }
  let next = 0;
  let closed: Promise<void> | undefined;
  const ask = (job: OpenJob | CopyUnitJob, worker: Worker) =>
    new Promise<OpenAnswer>((resolve, reject) => {
      waiting.set(job.id, { resolve, reject });
      worker.postMessage(job);
    });
  return {
    threads: n,
    // The workers load sodium-native the same way; it loads here if and only if it loads there.
    opener: hasSodium() ? 'libsodium' : 'tweetnacl',
    begin({ keys, today, seed }) {
      const begin = { keys: keys.map((k) => ({ publicKey: k.publicKey, secretKey: k.secretKey })), today, seed };
      for (const w of workers) w.postMessage({ begin } satisfies BeginJob);
    },
    async open(from, count) {
      if (failure) throw failure;
      const id = next++;
      const a = await ask({ id, from, count }, workers[id % n]!);
      return (a as { range: OpenedRange }).range;
    },
    share(buffers) {
      // Each thread keeps the list (the memory is shared, not copied); it comes before the jobs that use it.
      for (const w of workers) w.postMessage({ share: buffers } satisfies ShareJob);
    },
    async copyUnit(out, job) {
      if (failure) throw failure;
      if (!(out.buffer instanceof SharedArrayBuffer)) throw new TypeError('copyUnit: the entries must be in shared memory');
      const id = next++;
      const a = await ask({ id, out, job }, workers[id % n]!);
      return new Uint8Array((a as { root: Uint8Array }).root);
    },
    // The workers stay referenced while the tally awaits them (unref'd, the process would exit
    // mid-await); the tally always closes the pool, also when it fails.
    close: () => (closed ??= Promise.all(workers.map((w) => w.terminate())).then(() => {})),
  };
}
