/**
 * Ed25519 verification on a worker thread (issue 8, bench/relay): `outbox flush` verifies
 * thousands of receipts, at about 110-140 µs each on node:crypto (OpenSSL 3.0), a quarter of the
 * flush's main thread. The pool verifies them on another thread, in batches (one message per
 * turn of the event loop, not one per signature), so the main thread keeps the connections busy.
 *
 * The result is exactly {@link ed25519Verify}'s: the worker runs the same node:crypto verify, and
 * the canonical-S check (spec 4) runs here before a signature is handed over. The worker's code
 * is inline (eval) so that it survives bundling (dist/bin is one bundle; a worker file would not
 * be next to it). When no worker can be started, verification falls back to this thread.
 */
import { Worker } from 'node:worker_threads';
import { ed25519Verify, scalarIsCanonical } from './ed25519.js';

/** The worker: caches one public KeyObject per key, answers each batch with a byte per signature (1 = valid). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
// A batch is one transferred buffer: per signature a 4-byte length, 32-byte key, 64-byte signature, message.
parentPort.on('message', ({ id, n, buf }) => {
  const out = new Uint8Array(n);
  const b = Buffer.from(buf);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = b.readUInt32LE(at);
    const pub = b.subarray(at + 4, at + 36);
    const sig = b.subarray(at + 36, at + 100);
    const msg = b.subarray(at + 100, at + 100 + len);
    at += 100 + len;
    try {
      const hex = pub.toString('hex');
      let k = keys.get(hex);
      if (!k) {
        k = createPublicKey({ key: Buffer.concat([SPKI, pub]), format: 'der', type: 'spki' });
        if (keys.size > 64) keys.clear();
        keys.set(hex, k);
      }
      out[i] = verify(null, msg, k, sig) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

/** Signatures per message to the worker at most, and how long the first of a batch may wait for others. */
const BATCH = 16;
const BATCH_MS = 1;

type Job = { pub: Uint8Array; msg: Uint8Array; sig: Uint8Array; done: (ok: boolean) => void };

/** A small pool of verifying threads; {@link VerifyPool.verify} is ed25519Verify, asynchronous. */
export class VerifyPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Job[]>();
  #queue: Job[] = [];
  #scheduled = false;
  #next = 0;
  #turn = 0;
  #closed = false;

  /** @param threads verifying threads (default 1: the flush's main thread and the center share the cores) */
  constructor(threads = 1) {
    for (let i = 0; i < threads; i++) {
      let w: Worker;
      try {
        w = new Worker(WORKER_SOURCE, { eval: true });
      } catch {
        break;
      }
      w.unref();
      w.on('message', (m: { id: number; out: Uint8Array }) => this.#answer(m.id, m.out));
      // A worker that dies fails nothing: its batches are verified here instead.
      w.on('error', () => this.#lost(w));
      w.on('exit', () => this.#lost(w));
      this.#workers.push(w);
    }
  }

  /**
   * True only for a valid signature with canonical S (< L), as {@link ed25519Verify}.
   * @param publicKey the 32-byte Ed25519 public key
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return Promise.resolve(false);
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return Promise.resolve(false);
    if (!scalarIsCanonical(signature.subarray(32))) return Promise.resolve(false);
    if (this.#closed || this.#workers.length === 0) return Promise.resolve(ed25519Verify(publicKey, message, signature));
    return new Promise<boolean>((done) => {
      this.#queue.push({ pub: publicKey, msg: message, sig: signature, done });
      // Waking another thread is dear on a small VM (~60 µs of this thread per message, bench/relay
      // profile): gather a batch for up to BATCH_MS unless BATCH are already waiting.
      if (this.#queue.length >= BATCH) this.#send();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setTimeout(() => this.#send(), BATCH_MS);
      }
    });
  }

  #send(): void {
    this.#scheduled = false;
    const jobs = this.#queue;
    if (jobs.length === 0) return;
    this.#queue = [];
    if (jobs.length === 0) return;
    const w = this.#workers[this.#turn++ % this.#workers.length];
    if (!w || this.#closed) return this.#local(jobs);
    const id = this.#next++;
    this.#pending.set(id, jobs);
    if (this.#pending.size === 1) for (const x of this.#workers) x.ref();
    // One compact buffer, transferred: a signature's Uint8Array is often a view into Buffer's
    // 8 KiB pool, which postMessage would copy whole, once per job.
    const buf = new Uint8Array(jobs.reduce((n, j) => n + 100 + j.msg.length, 0));
    const view = new DataView(buf.buffer);
    let at = 0;
    for (const j of jobs) {
      view.setUint32(at, j.msg.length, true);
      buf.set(j.pub, at + 4);
      buf.set(j.sig, at + 36);
      buf.set(j.msg, at + 100);
      at += 100 + j.msg.length;
    }
    w.postMessage({ id, n: jobs.length, buf: buf.buffer }, [buf.buffer]);
    (jobs as Job[] & { worker?: Worker }).worker = w;
  }

  #answer(id: number, out: Uint8Array): void {
    const jobs = this.#pending.get(id);
    if (!jobs) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) for (const x of this.#workers) x.unref();
    jobs.forEach((j, i) => j.done(out[i] === 1));
  }

  #lost(w: Worker): void {
    const i = this.#workers.indexOf(w);
    if (i >= 0) this.#workers.splice(i, 1);
    for (const [id, jobs] of this.#pending) {
      if ((jobs as Job[] & { worker?: Worker }).worker !== w) continue;
      this.#pending.delete(id);
      this.#local(jobs);
    }
  }

  #local(jobs: readonly Job[]): void {
    for (const j of jobs) j.done(ed25519Verify(j.pub, j.msg, j.sig));
  }

  /** Stops the threads; verifications still queued or running finish on this thread. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const workers = this.#workers.splice(0);
    const left = [...this.#pending.values()].flat();
    this.#pending.clear();
    this.#local([...left, ...this.#queue.splice(0)]);
    for (const w of workers) void w.terminate();
  }
}
