/**
 * The counted log's root computed on another thread (`root-worker.ts`), so that the commit's
 * other work goes on meanwhile; on the calling thread when the compiled worker is absent (the
 * sources under vitest). The same function either way: {@link countedRootOfBytes}.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { countedRootOfBytes } from '../../log/recount.js';
import type { Hash } from '../../log/merkle.js';

const WORKER_URL = new URL('./root-worker.js', import.meta.url);

/** The root of the counted log whose `counted/entries` text is `text`; `text` is not kept. */
export function countedRootAside(text: string): Promise<Hash> {
  // Its own ArrayBuffer (TextEncoder, not Buffer's pool): transferred, not copied.
  const bytes = new TextEncoder().encode(text);
  if (!existsSync(fileURLToPath(WORKER_URL))) return Promise.resolve(countedRootOfBytes(bytes));
  return new Promise<Hash>((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: { text: bytes }, transferList: [bytes.buffer as ArrayBuffer] });
    w.once('message', (root: Uint8Array) => resolve(new Uint8Array(root)));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`counted-root worker exited with code ${code}`));
    });
  });
}
