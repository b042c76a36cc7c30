/**
 * `runTally` on a thread of its own with a heap sized to the machine (`tally-worker.ts`). A tally
 * keeps every counted statement of every run in memory for deduplication and the counted log. The
 * records are bytes in shared buffers outside V8's heap (~250 MB a million envelopes with
 * `--private`; the heap itself held ~40 MB at a million, bench/tally), but a second run reads the
 * earlier runs' records back as strings first, and the 2006 report's scale is ten times that: the
 * main thread's default V8 limit (about 4 GB here) is not a limit to meet there. A worker
 * thread's old generation can be given more (`resourceLimits`), so the run gets three quarters of
 * the machine's memory without re-executing node with flags (a killed process takes its threads
 * with it, so "kill it half-way and run again" stays true). V8 lets an explicit
 * `--max-old-space-size` (a flag, or NODE_OPTIONS) win over `resourceLimits` for every thread: a
 * user who sets one gets that limit.
 *
 * The CLI's errors cross the thread as plain data and are made again here with their class, code,
 * key, params and field, so the CLI reports them exactly as when the tally ran on its own thread.
 */
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, SealpostError, VerifyError } from '../../errors.js';
import type { InputCode, SealpostCode, VerifyCode } from '../../error-codes.js';
import type { TallyOptions, TallyResult } from './run.js';

const WORKER_URL = new URL('./tally-worker.js', import.meta.url);

/** An error as it crosses the thread. */
export interface ErrorData {
  readonly kind: 'input' | 'verify' | 'sealpost' | 'range' | 'error';
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly key?: string;
  readonly params?: Record<string, string | number>;
  readonly field?: string;
}

/** What the tally thread posts. */
export type TallyMessage =
  | { readonly type: 'thread'; readonly heapLimitMb: number }
  | { readonly type: 'progress'; readonly done: number; readonly end: number }
  | { readonly type: 'done'; readonly result: TallyResult }
  | { readonly type: 'error'; readonly error: ErrorData };

/** The options that cross the thread (no callbacks, no signal). */
export type TallyWorkerData = Omit<TallyOptions, 'onProgress' | 'signal'>;

/** `err` as data (see {@link errorFromData}). */
export function errorToData(err: unknown): ErrorData {
  if (!(err instanceof Error)) return { kind: 'error', message: String(err) };
  const base = { message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  if (err instanceof SealpostError) {
    const kind = err instanceof InputError ? 'input' : err instanceof VerifyError ? 'verify' : 'sealpost';
    const field = (err as { field?: string }).field;
    return { kind, ...base, code: err.code, key: err.key, params: err.params as Record<string, string | number>, ...(field !== undefined ? { field } : {}) };
  }
  return { kind: err instanceof RangeError ? 'range' : 'error', ...base };
}

/** The error `d` describes, with its class. */
export function errorFromData(d: ErrorData): Error {
  const opts = { ...(d.key !== undefined ? { key: d.key } : {}), ...(d.params !== undefined ? { params: d.params } : {}) };
  const err =
    d.kind === 'input'
      ? new InputError(d.code as InputCode, d.message, { ...opts, ...(d.field !== undefined ? { field: d.field } : {}) })
      : d.kind === 'verify'
        ? new VerifyError(d.code as VerifyCode, d.message, opts)
        : d.kind === 'sealpost'
          ? new SealpostError(d.code as SealpostCode, d.message, opts)
          : d.kind === 'range'
            ? new RangeError(d.message)
            : new Error(d.message);
  if (d.stack) err.stack = d.stack;
  return err;
}

/** Three quarters of the machine's memory, in MB: the tally thread's old-generation limit. */
export function tallyHeapMb(total = totalmem()): number {
  return Math.max(2048, Math.floor((total * 0.75) / 2 ** 20));
}

/** What the tally thread tells about itself when it starts. */
export interface TallyThreadInfo {
  /** Its V8 heap limit (an explicit `--max-old-space-size`, e.g. in NODE_OPTIONS, wins over ours). */
  readonly heapLimitMb: number;
}

/**
 * Runs the tally on its own thread (see the file comment); on the calling thread when the
 * compiled worker is absent (the sources under vitest) or a signal is given.
 */
export function runTallyIsolated(opts: TallyOptions, onThread?: (info: TallyThreadInfo) => void): Promise<TallyResult> {
  // run.js only then: the tally thread loads the tally's modules itself.
  if (opts.signal || !existsSync(fileURLToPath(WORKER_URL))) return import('./run.js').then((m) => m.runTally(opts));
  const { onProgress, signal: _signal, ...data } = opts;
  return new Promise<TallyResult>((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: data satisfies TallyWorkerData, resourceLimits: { maxOldGenerationSizeMb: tallyHeapMb() } });
    let settled = false;
    w.on('message', (m: TallyMessage) => {
      if (m.type === 'thread') onThread?.({ heapLimitMb: m.heapLimitMb });
      else if (m.type === 'progress') onProgress?.(m.done, m.end);
      else {
        settled = true;
        if (m.type === 'done') resolve(m.result);
        else reject(errorFromData(m.error));
      }
    });
    w.once('error', (err) => {
      settled = true;
      reject(err);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`the tally thread exited with code ${code}`));
    });
  });
}
