/**
 * The tally's opening pool: chunks of envelopes opened across worker threads, answered in the
 * order they were given (the tally's dedup needs received-log order: spec 8, "the first in the
 * received log is counted"). Without the compiled worker module (sources under vitest) the
 * chunks are opened on the calling thread, with the same functions.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IntakeDb } from '../sqlite-db.js';
import { openRange, referenceOpener, sodiumOpener, type BoxKey, type OpenedRange } from './open.js';
import type { OpenAnswer, OpenJob, RootsJob } from './open-worker.js';
import { unitRoot, type UnitJob } from './roots.js';
import type { Hash } from '../../log/merkle.js';

const WORKER_URL = new URL('./open-worker.js', import.meta.url);

export type { OpenedRange } from './open.js';

/** Opens ranges of the received log; `open` resolves in any order, but each with its own range's results. */
export interface OpenPool {
  /** How many threads open (0: the calling thread). */
  readonly threads: number;
  /** Which library opens the boxes: libsodium (sodium-native) or the reference tweetnacl opener. */
  readonly opener: 'libsodium' | 'tweetnacl';
  /** Opens received entries [from, from + count) (fewer at the end of the log). */
  open(from: number, count: number): Promise<OpenedRange>;
  /** The subtree root of a unit of the counted log's lines (`roots.ts`), `bytes` in shared memory. */
  unitRoot(bytes: Uint8Array, unit: UnitJob): Promise<Hash>;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** The intake database file, opened read-only by each thread. */
  readonly db: string;
  readonly keys: readonly BoxKey[];
  readonly today: string;
  readonly names: boolean;
  /** The run's hash seed (`hash-index.ts`). */
  readonly seed: number;
  /** Worker threads (default: the machine's parallelism); 0 opens on the calling thread. */
  readonly threads?: number;
}

function inlinePool(opts: PoolOptions): OpenPool {
  const fast = sodiumOpener(opts.keys);
  const open = fast ?? referenceOpener(opts.keys);
  const db = new IntakeDb(opts.db, { readonly: true });
  return {
    threads: 0,
    opener: fast ? 'libsodium' : 'tweetnacl',
    open: async (from, count) => openRange(db, from, count, open, opts.today, opts.names, opts.seed),
    unitRoot: async (bytes, unit) => unitRoot(bytes, unit),
    close: async () => db.close(),
  };
}

/** Starts the pool (worker threads when the compiled worker exists and `threads` is not 0). */
export function startPool(opts: PoolOptions): OpenPool {
  const n = opts.threads ?? availableParallelism();
  if (n === 0 || !existsSync(fileURLToPath(WORKER_URL))) return inlinePool(opts);
  const workerData = { keys: opts.keys.map((k) => ({ publicKey: k.publicKey, secretKey: k.secretKey })), today: opts.today, names: opts.names, seed: opts.seed, db: opts.db };
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
  const ask = (job: OpenJob | RootsJob, worker: Worker) =>
    new Promise<OpenAnswer>((resolve, reject) => {
      waiting.set(job.id, { resolve, reject });
      worker.postMessage(job);
    });
  return {
    threads: n,
    // The workers load sodium-native the same way; it loads here if and only if it loads there.
    opener: sodiumOpener(opts.keys) ? 'libsodium' : 'tweetnacl',
    async open(from, count) {
      if (failure) throw failure;
      const id = next++;
      const a = await ask({ id, from, count }, workers[id % n]!);
      return (a as { range: OpenedRange }).range;
    },
    async unitRoot(bytes, unit) {
      if (failure) throw failure;
      if (!(bytes.buffer instanceof SharedArrayBuffer)) throw new TypeError('unitRoot: the bytes must be in shared memory');
      const id = next++;
      const a = await ask({ id, bytes, unit }, workers[id % n]!);
      return new Uint8Array((a as { root: Uint8Array }).root);
    },
    // The workers stay referenced while the tally awaits them (unref'd, the process would exit
    // mid-await); the tally always closes the pool, also when it fails.
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
