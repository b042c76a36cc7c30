/**
 * The tally's own thread (`isolated.ts`): starts the opening threads, runs the tally
 * (`run.ts` runTallyWith) with the options it was given and those threads, posts
 * progress (at most every 1,024 entries, as the journal's chunks) and then the result or the error.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { errorToData, type TallyMessage, type TallyWorkerData } from './isolated.js';
import { startTallyPool } from './pool.js';

const port = parentPort;
if (port) {
  const post = (m: TallyMessage) => port.postMessage(m);
  post({ type: 'thread', heapLimitMb: Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20) });
  const data = workerData as TallyWorkerData;
  // The opening threads start before this thread loads the tally's modules: they load theirs
  // meanwhile instead of after them, on a core that would otherwise be idle (bench/tally).
  const pool = startTallyPool(data);
  import('./run.js')
    .then(({ runTallyWith }) => runTallyWith({ ...data, onProgress: (done, end) => post({ type: 'progress', done, end }) }, pool))
    .then(
      (result) => post({ type: 'done', result }),
      async (err: unknown) => {
        // runTallyWith closes the pool; a failed import of run.js does not.
        await pool.close().catch(() => {});
        post({ type: 'error', error: errorToData(err) });
      },
    );
}
