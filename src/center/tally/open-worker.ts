/**
 * Worker-thread entry of the tally's opening pool (`pool.ts`): reads a range of the received log
 * from the intake database itself (read-only; the main thread never touches the envelopes, a
 * bench/tally finding: reading and copying them there cost more than counting), opens each
 * envelope with libsodium (or the reference opener) and answers with what the counts need.
 *
 * Protocol: workerData `{ keys: BoxKey[], today, names, db }`; each `{ id, from, count }` gets
 * `{ id, to, results: OpenResult[] }` (to: one past the last index read), or `{ id, error }` for a
 * bug or a hole in the log (never for a bad envelope).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IntakeDb } from '../sqlite-db.js';
import { openRange, referenceOpener, sodiumOpener, type BoxKey, type OpenResult } from './open.js';

export interface OpenJob {
  readonly id: number;
  readonly from: number;
  readonly count: number;
}
export type OpenAnswer = { readonly id: number; readonly to: number; readonly results: OpenResult[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const data = workerData as { keys: BoxKey[]; today: string; names: boolean; db: string };
  const open = sodiumOpener(data.keys) ?? referenceOpener(data.keys);
  const db = new IntakeDb(data.db, { readonly: true });
  port.on('message', (job: OpenJob) => {
    try {
      const { to, results } = openRange(db, job.from, job.count, open, data.today, data.names);
      port.postMessage({ id: job.id, to, results } satisfies OpenAnswer);
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies OpenAnswer);
    }
  });
}
