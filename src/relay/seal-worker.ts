/**
 * The worker thread of seal-pool.ts: seals statement bytes to the box key it was started with.
 * Sealing is pure CPU (two X25519 multiplications in tweetnacl, about 1.2 ms each envelope here),
 * so a large relay import spreads it over the cores (issue 8, build point 2).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sealEnvelope } from '../crypto/envelope.js';

const boxKey = new Uint8Array((workerData as { boxKey: Uint8Array }).boxKey);

parentPort!.on('message', (msg: { n: number; plaintext: Uint8Array }) => {
  try {
    const envelope = sealEnvelope(msg.plaintext, boxKey);
    parentPort!.postMessage({ n: msg.n, envelope }, [envelope.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ n: msg.n, error: err instanceof Error ? err.message : String(err) });
  }
});
