/**
 * The tally's own thread (`isolated.ts`): runs `runTally` with the options it was given, posts
 * progress (at most every 1,024 entries, as the journal's chunks) and then the result or the error.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { errorToData, type TallyMessage, type TallyWorkerData } from './isolated.js';
import { runTally } from './run.js';

const port = parentPort;
if (port) {
  const post = (m: TallyMessage) => port.postMessage(m);
  post({ type: 'thread', heapLimitMb: Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20) });
  runTally({ ...(workerData as TallyWorkerData), onProgress: (done, end) => post({ type: 'progress', done, end }) }).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => post({ type: 'error', error: errorToData(err) }),
  );
}
