/**
 * Worker-thread entry that hashes the counted log while the tally's main thread builds the
 * reports (`root.ts`): a million entries are two million SHA-256 computations, a fifth of the
 * commit (bench/tally). workerData `{ text }`: the bytes of `counted/entries`; answers the root.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { countedRootOfBytes } from '../../log/recount.js';

if (parentPort) parentPort.postMessage(countedRootOfBytes((workerData as { text: Uint8Array }).text));
