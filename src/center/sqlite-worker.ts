/**
 * Worker-thread entry of the SQLite store: owns the writing connection, so that the main thread
 * keeps parsing HTTP and signing receipts while a batch waits for its fsync.
 *
 * Protocol (see `sqlite-store.ts`): workerData `{ path, sign? }`; the worker posts `{ type: 'ready' }` or
 * `{ type: 'error', message }`; then answers each `{ type: 'commit', id, items: ArrayBuffer }`
 * with `{ type: 'done', id, results: ArrayBuffer }` or `{ type: 'failed', id, message }`, and
 * `{ type: 'close' }` with `{ type: 'closed' }`; `{ type: 'checkpoint', id }` (sign and store a
 * checkpoint of the received log when it grew: here, so the signing and its fsync stay off the
 * request path) with `{ type: 'checkpointed', id, size, note }` or `failed`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IntakeDb } from './sqlite-db.js';
import { centerNameFromKeyName } from '../crypto/keys.js';
import { NoteSigner } from '../crypto/note.js';
import { receiptBody } from '../crypto/receipt.js';
import { sodiumSigner } from '../crypto/ed25519-sodium.js';
import { packResults, unpackItems } from './sqlite-wire.js';

export type ToWorker = { type: 'commit'; id: number; items: ArrayBuffer } | { type: 'checkpoint'; id: number } | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'done'; id: number; results: ArrayBuffer; receipts?: string[] }
  | { type: 'checkpointed'; id: number; size: number; note: string }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

const port = parentPort;
if (port) {
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  let db: IntakeDb | undefined;
  const data = workerData as { path: string; sign?: { name: string; seed: Uint8Array }; log?: boolean };
  // With the log key, receipts are signed here right after their commit (spec 4: only once durable).
  const signer = data.sign ? new NoteSigner(data.sign.name, data.sign.seed, sodiumSigner(data.sign.seed) ?? undefined) : undefined;
  const center = data.sign ? centerNameFromKeyName(data.sign.name) : '';
  data.sign?.seed.fill(0);
  try {
    db = new IntakeDb(data.path, { log: data.log !== false });
    post({ type: 'ready' });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      db?.close();
      db = undefined;
      post({ type: 'closed' });
      port.close();
      return;
    }
    try {
      if (!db) throw new Error('store is closed');
      if (m.type === 'checkpoint') {
        if (!signer) throw new Error('the store has no log key to sign checkpoints');
        const c = db.checkpoint(signer);
        post({ type: 'checkpointed', id: m.id, size: c.size, note: c.note });
        return;
      }
      const entries = db.commit(unpackItems(m.items));
      const receipts = signer && entries.map((e) => signer.sign(receiptBody({ center, eh: e.eh, blind: e.blind, index: e.index, hour: e.hour })));
      const results = packResults(entries);
      post({ type: 'done', id: m.id, results, ...(receipts ? { receipts } : {}) }, [results]);
    } catch (err) {
      post({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
}
