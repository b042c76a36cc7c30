/**
 * Worker-thread entry of the tally's opening pool (`pool.ts`): opens chunks of envelopes with
 * libsodium (or the reference opener) and answers with what the counts need.
 *
 * Protocol: workerData `{ keys: BoxKey[], today, names }`; each `{ id, envelopes: Uint8Array[] }`
 * gets `{ id, results: OpenResult[] }`, or `{ id, error }` for a bug (never for a bad envelope).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openForTally, referenceOpener, sodiumOpener, type BoxKey, type OpenResult } from './open.js';

export interface OpenJob {
  readonly id: number;
  readonly envelopes: Uint8Array[];
}
export type OpenAnswer = { readonly id: number; readonly results: OpenResult[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const data = workerData as { keys: BoxKey[]; today: string; names: boolean };
  const open = sodiumOpener(data.keys) ?? referenceOpener(data.keys);
  port.on('message', (job: OpenJob) => {
    try {
      const results = job.envelopes.map((e) => openForTally(e, open, data.today, data.names));
      port.postMessage({ id: job.id, results } satisfies OpenAnswer);
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies OpenAnswer);
    }
  });
}
