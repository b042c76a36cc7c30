/**
 * Worker-thread entry of the SQLite store: owns the writing connection, so that the main thread
 * keeps parsing HTTP and signing receipts while a batch waits for its fsync.
 *
 * Protocol (see `sqlite-store.ts`): workerData `{ path }`; the worker posts `{ type: 'ready' }` or
 * `{ type: 'error', message }`; then answers each `{ type: 'commit', id, items: ArrayBuffer }`
 * with `{ type: 'done', id, results: ArrayBuffer }` or `{ type: 'failed', id, message }`, and
 * `{ type: 'close' }` with `{ type: 'closed' }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IntakeDb } from './sqlite-db.js';
import { packResults, unpackItems } from './sqlite-wire.js';

export type ToWorker = { type: 'commit'; id: number; items: ArrayBuffer } | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'done'; id: number; results: ArrayBuffer }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

const port = parentPort;
if (port) {
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  let db: IntakeDb | undefined;
  try {
    db = new IntakeDb((workerData as { path: string }).path);
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
      const results = packResults(db.commit(unpackItems(m.items)));
      post({ type: 'done', id: m.id, results }, [results]);
    } catch (err) {
      post({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
}
