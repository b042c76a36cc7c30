/**
 * Receipt signing off the event loop. Ed25519 signing is the largest single CPU cost of a receipt
 * (~50 µs with node:crypto), and the intake's main thread is its bottleneck under load (measured:
 * bench/intake.ts). `WorkerNoteSigner` sends the bodies that are ready in one event-loop turn to
 * a worker thread as one message (a group commit resolves many receipts at once), so a receipt
 * costs the main thread a few µs instead. The worker signs with `NoteSigner` itself.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NoteSigner } from '../crypto/note.js';
import type { SignAnswer, SignRequest } from './sign-worker.js';

/**
 * What the intake needs of the log key. `NoteSigner` fits (synchronous); so does
 * `WorkerNoteSigner`. `sign` returns the whole signed note for a note body, or throws (rejects)
 * for a body that is not note text.
 */
export interface ReceiptSigner {
  readonly name: string;
  readonly verifierKey: string;
  sign(body: string): string | Promise<string>;
}

const WORKER_URL = new URL('./sign-worker.js', import.meta.url);
/** Bodies per message to the worker (a few ms of signing). */
const CHUNK = 32;

interface Waiting {
  readonly body: string;
  resolve(note: string): void;
  reject(err: unknown): void;
}

export class WorkerNoteSigner implements ReceiptSigner {
  readonly name: string;
  readonly verifierKey: string;
  /** Signs on this thread if the worker has died: receipts keep coming, only slower. */
  readonly #local: NoteSigner;
  #worker: Worker | undefined;
  #queue: Waiting[] = [];
  readonly #sent = new Map<number, Waiting[]>();
  #nextId = 0;
  #scheduled = false;

  /** `seed` is the log key's 32-byte Ed25519 seed (spec 1). */
  constructor(name: string, seed: Uint8Array) {
    this.#local = new NoteSigner(name, seed);
    this.name = name;
    this.verifierKey = this.#local.verifierKey;
    const worker = new Worker(WORKER_URL, { workerData: { name, seed: Uint8Array.from(seed) } });
    worker.unref();
    worker.on('message', (a: SignAnswer) => this.#answer(a));
    worker.on('error', () => this.#lost());
    worker.on('exit', () => this.#lost());
    this.#worker = worker;
  }

  /** True when the compiled worker module exists (not when the sources run under vitest). */
  static available(): boolean {
    return existsSync(fileURLToPath(WORKER_URL));
  }

  sign(body: string): Promise<string> {
    if (!this.#worker) return Promise.resolve().then(() => this.#local.sign(body));
    return new Promise((resolve, reject) => {
      this.#queue.push({ body, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    if (!this.#worker) return this.#signLocally(queue);
    // Small messages, so the first receipts of a large group commit go out while the worker
    // signs the rest, instead of all of them waiting for the last signature.
    for (let at = 0; at < queue.length; at += CHUNK) {
      const batch = queue.slice(at, at + CHUNK);
      const id = this.#nextId++;
      this.#sent.set(id, batch);
      this.#worker.postMessage({ id, bodies: batch.map((w) => w.body) } satisfies SignRequest);
    }
  }

  #answer(a: SignAnswer): void {
    const batch = this.#sent.get(a.id);
    this.#sent.delete(a.id);
    if (!batch) return;
    if ('error' in a) {
      // One bad body fails the whole batch in the worker: sort it out here, one by one.
      return this.#signLocally(batch);
    }
    batch.forEach((w, i) => w.resolve(a.notes[i]!));
  }

  #signLocally(batch: readonly Waiting[]): void {
    for (const w of batch) {
      try {
        w.resolve(this.#local.sign(w.body));
      } catch (err) {
        w.reject(err);
      }
    }
  }

  #lost(): void {
    if (!this.#worker) return;
    this.#worker = undefined;
    const sent = [...this.#sent.values()];
    this.#sent.clear();
    for (const batch of sent) this.#signLocally(batch);
  }

  /** Stops the worker; later signatures are made on this thread. */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
    const sent = [...this.#sent.values()];
    this.#sent.clear();
    for (const batch of sent) this.#signLocally(batch);
  }
}
