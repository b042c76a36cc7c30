/**
 * Worker-thread entry of `bench/gen`: seals chunks of planned envelopes (gen-seal.ts).
 *
 * Protocol: workerData `{ seed, boxKey, otherKey }`; each `{ id, items: PlanItem[] }` gets
 * `{ id, buf, lengths }` (buf transferred: the envelopes back to back) or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { paddedSealer, sealChunk, type PlanItem, type SealContext } from './gen-seal.js';

export interface GenJob {
  readonly id: number;
  readonly items: PlanItem[];
}
export type GenAnswer = { readonly id: number; readonly buf: Uint8Array; readonly lengths: number[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const ctx = workerData as SealContext;
  const { seal } = paddedSealer();
  port.on('message', (job: GenJob) => {
    try {
      const { buf, lengths } = sealChunk(ctx, seal, job.items);
      port.postMessage({ id: job.id, buf, lengths } satisfies GenAnswer, [buf.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies GenAnswer);
    }
  });
}
