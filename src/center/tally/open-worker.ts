/**
 * Worker-thread entry of the tally's opening pool (`pool.ts`): reads a range of the received log
 * from the intake database itself (read-only; the main thread never touches the envelopes, a
 * bench/tally finding: reading and copying them there cost more than counting), opens each
 * envelope with libsodium (or the reference opener) and answers with what the counts need.
 *
 * Protocol: workerData `{ names, db }` (the thread starts, and loads its modules and libsodium,
 * while the tally reads its keys and state); `{ begin: { keys, today, seed } }` opens the
 * database and readies the opener; then each `{ id, from, count }` gets
 * `{ id, range: OpenedRange }` (the valid statements' records as one buffer of bytes in shared
 * memory, their hashes transferred; rejected counts and cell sums: little to clone), or `{ id, error }`
 * for a bug or a hole in the log (never for a bad envelope). At the commit the same threads write
 * and hash the counted log: `{ share }` gives them the tally's record buffers (shared memory),
 * then each `{ id, out, job }` copies a unit's lines into `out` (shared) and gets `{ id, root }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { beginRun, openRange, type OpenedRange, type OpeningRun, type RunOptions } from './open.js';
import { copyUnit, type CopyJob } from './roots.js';

/** The run's keys, day and hash seed (`pool.ts` begin): before the first range; not answered. */
export interface BeginJob {
  readonly begin: RunOptions;
}
export interface OpenJob {
  readonly id: number;
  readonly from: number;
  readonly count: number;
}
/** The tally's record buffers (shared memory) for the copy jobs that follow: not answered. */
export interface ShareJob {
  readonly share: readonly Uint8Array[];
}
/** Copy a unit of the counted log into `out` and hash it (`roots.ts` copyUnit): answered with its root. */
export interface CopyUnitJob {
  readonly id: number;
  readonly out: Uint8Array;
  readonly job: CopyJob;
}
export type OpenAnswer =
  | { readonly id: number; readonly range: OpenedRange }
  | { readonly id: number; readonly root: Uint8Array }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const { db: file, names } = workerData as { names: boolean; db: string };
  let run: OpeningRun | undefined;
  let buffers: readonly Uint8Array[] = [];
  /** Why the run could not begin (told to the jobs that follow). */
  let begun: string | undefined;
  port.on('message', (job: BeginJob | OpenJob | ShareJob | CopyUnitJob) => {
    if ('share' in job) {
      buffers = job.share;
      return;
    }
    try {
      if ('begin' in job) {
        run = beginRun(file, job.begin);
      } else if ('out' in job) port.postMessage({ id: job.id, root: copyUnit(buffers, job.out, job.job) } satisfies OpenAnswer);
      else {
        if (!run) throw new Error('tally worker: a range before the run began');
        const range = openRange(run.db, job.from, job.count, run.open, run.today, names, run.seed);
        port.postMessage({ id: job.id, range } satisfies OpenAnswer, [range.meta.buffer]);
      }
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      // A failed begin is answered by the next job (it fails the pool); a job's failure by its id.
      if ('begin' in job) begun = error;
      else port.postMessage({ id: job.id, error: begun ?? error } satisfies OpenAnswer);
    }
  });
}
