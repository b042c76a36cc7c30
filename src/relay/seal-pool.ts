/**
 * Sealing spread over worker threads for a large relay import (issue 8, build point 2), with a
 * bounded queue: {@link SealPool.seal} waits while `size × depth` envelopes are in flight, so a
 * fast reader cannot pile up statements in memory (constant memory for any input).
 *
 * The worker is the compiled seal-worker.js beside this file, or, from the CLI bundle in dist/bin,
 * the one in dist/src/relay. Where neither exists (the TypeScript sources under a test runner),
 * {@link SealPool.start} returns null and the caller seals in its own thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The compiled worker script, if there is one. */
export function findWorkerScript(): URL | null {
  for (const rel of ['./seal-worker.js', '../src/relay/seal-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

interface Task {
  resolve(envelope: Uint8Array): void;
  reject(err: Error): void;
}

/** A fixed set of sealing threads for one box key. */
export class SealPool {
  readonly #workers: Worker[];
  readonly #tasks = new Map<number, Task>();
  readonly #limit: number;
  readonly #waiters: (() => void)[] = [];
  #next = 0;
  #failed: Error | null = null;

  private constructor(script: URL, boxKey: Uint8Array, size: number, depth: number) {
    this.#limit = size * depth;
    this.#workers = Array.from({ length: size }, () => {
      const w = new Worker(script, { workerData: { boxKey } });
      w.on('message', (m: { n: number; envelope?: Uint8Array; error?: string }) => this.#done(m));
      w.on('error', (err) => this.#fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.#fail(new Error(`a sealing thread exited with code ${code}`));
      });
      return w;
    });
  }

  /**
   * A pool of `size` threads (at least 1), or null when no compiled worker script exists.
   * @param depth envelopes queued per thread before {@link seal} waits
   */
  static start(boxKey: Uint8Array, size: number, depth = 8, given?: URL): SealPool | null {
    const script = given ?? findWorkerScript();
    return script === null ? null : new SealPool(script, boxKey, Math.max(1, size), depth);
  }

  /** Envelopes in flight. */
  get pending(): number {
    return this.#tasks.size;
  }

  /**
   * Seals `plaintext` (the statement's canonical bytes) in a thread. Waits first while the queue
   * is full. The bytes are transferred: `plaintext` is unusable afterwards.
   */
  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    while (this.#tasks.size >= this.#limit && this.#failed === null) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#failed) throw this.#failed;
    const n = this.#next++;
    const worker = this.#workers[n % this.#workers.length]!;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#tasks.set(n, { resolve, reject });
      const copy = plaintext.byteOffset === 0 && plaintext.byteLength === plaintext.buffer.byteLength ? plaintext : plaintext.slice();
      worker.postMessage({ n, plaintext: copy }, [copy.buffer as ArrayBuffer]);
    });
  }

  #done(m: { n: number; envelope?: Uint8Array; error?: string }): void {
    const task = this.#tasks.get(m.n);
    if (!task) return;
    this.#tasks.delete(m.n);
    if (m.envelope) task.resolve(new Uint8Array(m.envelope));
    else task.reject(new Error(m.error ?? 'sealing failed'));
    this.#waiters.shift()?.();
  }

  #fail(err: Error): void {
    this.#failed ??= err;
    for (const t of this.#tasks.values()) t.reject(err);
    this.#tasks.clear();
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Stops the threads (after the last envelope came back). */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
