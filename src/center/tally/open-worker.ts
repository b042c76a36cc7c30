/**
 * Worker-thread entry of the tally's opening pool (`pool.ts`): reads a range of the received log
 * from the intake database itself (read-only; the main thread never touches the envelopes, a
 * bench/tally finding: reading and copying them there cost more than counting), opens each
 * envelope with libsodium (or the reference opener) and answers with what the counts need.
 *
 * Protocol: workerData `{ keys: BoxKey[], today, names, seed, db }`; each `{ id, from, count }` gets
 * `{ id, range: OpenedRange }` (the valid statements' records as one buffer of bytes and their
 * hashes, both transferred; rejected counts and cell sums: little to clone), or `{ id, error }`
 * for a bug or a hole in the log (never for a bad envelope). At the commit the same threads hash
 * the counted log: `{ id, bytes, unit }` (bytes in shared memory) gets `{ id, root }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IntakeDb } from '../sqlite-db.js';
import { openRange, referenceOpener, sodiumOpener, type BoxKey, type OpenedRange } from './open.js';
import { unitRoot, type UnitJob } from './roots.js';

export interface OpenJob {
  readonly id: number;
  readonly from: number;
  readonly count: number;
}
/** Hash a unit of the counted log (`roots.ts`) in shared memory: answered with its root. */
export interface RootsJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly unit: UnitJob;
}
export type OpenAnswer =
  | { readonly id: number; readonly range: OpenedRange }
  | { readonly id: number; readonly root: Uint8Array }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const data = workerData as { keys: BoxKey[]; today: string; names: boolean; seed: number; db: string };
  const open = sodiumOpener(data.keys) ?? referenceOpener(data.keys);
  const db = new IntakeDb(data.db, { readonly: true });
  port.on('message', (job: OpenJob | RootsJob) => {
    try {
      if ('unit' in job) port.postMessage({ id: job.id, root: unitRoot(job.bytes, job.unit) } satisfies OpenAnswer);
      else {
        const range = openRange(db, job.from, job.count, open, data.today, data.names, data.seed);
        port.postMessage({ id: job.id, range } satisfies OpenAnswer, [range.meta.buffer, range.bytes.buffer]);
      }
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies OpenAnswer);
    }
  });
}
