/**
 * `sealpost tally` (issue 10, wire spec 8): on the offline machine, opens every envelope the intake
 * stored since the last run, counts, appends one batch to the counted log, signs its checkpoint
 * and the tally note, and writes the public report to `--out` and the private one to `--private`.
 *
 * The intake's database is opened read-only (the offline copy of `serve --data`); the tally's own
 * state lives in a folder of its own (`state.ts`), which makes it resumable and append-only.
 */
import { join } from 'node:path';
import { centerNameFromKeyName, readSecretKeyFile } from '../../crypto/keys.js';
import { NoteSigner } from '../../crypto/note.js';
import { InputError } from '../../errors.js';
import { englishText } from './messages.js';
import { DEFAULT_MILESTONE_STEP } from '../../log/counted.js';
import { IntakeDb } from '../sqlite-db.js';
import type { Sums } from './sums.js';
import { sumsOf, type Batch } from './batch.js';
import { M_END, META, parseRecord } from './record.js';
import { CountedSet } from './counted-set.js';
import { newSeed } from './hash-index.js';
import { DB_FILE, startTallyPool, type OpenedRange, type OpenPool } from './pool.js';
import { commit } from './commit.js';
import type { TallyReport } from './report.js';
import { StateDir, badState, type JournalAppend, type JournalChunk, type JournalHeader, type ReadChunk, type TallyState } from './state.js';
import { loadCharts } from './html/render.js';

/** Options of {@link runTally}. */
export interface TallyOptions {
  /** The center's keys folder (`keygen --out`): `box.key` and `tally.key` are read. */
  readonly keysDir: string;
  /** The intake's data folder (`serve --data`), read-only. */
  readonly dataDir: string;
  /** The public output folder. */
  readonly outDir: string;
  /** The private output folder (likely duplicates name people: never publish it). */
  readonly privateDir?: string;
  /** The tally's state folder; default `<private>/state`, else `<out>.state` (beside `--out`, never inside). */
  readonly stateDir?: string;
  /** People per milestone line (spec 8), default 1000000. */
  readonly milestoneStep?: number;
  /** Opening threads (default: the machine's parallelism; 0 opens on the calling thread). */
  readonly threads?: number;
  /** Received entries per chunk: an opening job and a journal chunk (default 2048). */
  readonly chunk?: number;
  /** Stops the run between chunks (it resumes where it stopped on the next run). */
  readonly signal?: AbortSignal;
  /** Called after each chunk with the received entries tallied so far and the run's end. */
  readonly onProgress?: (done: number, end: number) => void;
  /** `YYYY-MM-DD`: the opening day for spec 2's date rule (default: today, UTC). */
  readonly today?: string;
}

/** What a finished run did. */
export interface TallyResult {
  readonly report: TallyReport;
  /** The signed tally note. */
  readonly note: string;
  /** Entries this run appended to the counted log. */
  readonly appended: number;
  /** Received entries this run tallied. */
  readonly tallied: number;
  /** Whether the run continued an interrupted one. */
  readonly resumed: boolean;
  /** Opening threads (0: the calling thread). */
  readonly threads: number;
  /** The library that opened the boxes. */
  readonly opener: 'libsodium' | 'tweetnacl';
  /** The state folder used. */
  readonly stateDir: string;
}

/**
 * Runs the tally (see the file comment). Exits normally however many envelopes it rejects.
 * @throws InputError for unreadable keys, a missing data folder or a state folder of another
 *   center or data folder; the signal's reason when aborted (the next run resumes); Error when an
 *   invariant fails (a bug: nothing is committed).
 */
export function runTally(opts: TallyOptions): Promise<TallyResult> {
  return runTallyWith(opts);
}

/**
 * {@link runTally} with its opening threads, when the caller started them already
 * (`startTallyPool` with the same options: `tally-worker.ts`); the run closes them.
 */
export async function runTallyWith(opts: TallyOptions, started?: OpenPool): Promise<TallyResult> {
  const step = opts.milestoneStep ?? DEFAULT_MILESTONE_STEP;
  if (!Number.isSafeInteger(step) || step < 1) {
    await started?.close();
    throw new RangeError(`milestoneStep must be a positive integer, got ${step}`);
  }
  // The opening threads start first (`tally-worker.ts` starts them before it loads this module):
  // they load their modules and libsodium while this thread reads the keys and the state.
  const pool = started ?? startTallyPool(opts);
  try {
    const p = await prepare(pool, opts);
    try {
      // report.html needs vega (optional dependencies): say so now, not after hours of opening
      // envelopes, and before the journal is written. Loaded once the threads have begun (a
      // bench/tally finding: loaded first, it kept them waiting for the run up to a tenth of a second).
      await loadCharts();
      return await tallyPrepared(pool, opts, step, p);
    } finally {
      p.db.close();
    }
  } finally {
    await pool.close();
  }
}

/** A run as {@link prepare} readied it. */
interface Prepared {
  readonly tally: { readonly name: string; readonly secretKey: Uint8Array };
  readonly center: string;
  readonly stateDir: string;
  readonly state: StateDir;
  readonly committed: TallyState;
  readonly db: IntakeDb;
  readonly resumed: { header: JournalHeader; chunks: ReadChunk[] } | null;
  readonly header: JournalHeader;
  readonly seed: number;
  readonly ahead: OpenAhead;
}

/**
 * Reads the keys and the state, opens the intake database, and sets the pool opening the run's
 * first chunks. Writes nothing but what a resumed run repairs (a cut chunk, a stale journal).
 */
async function prepare(pool: OpenPool, opts: TallyOptions): Promise<Prepared> {
  const box = await readSecretKeyFile(join(opts.keysDir, 'box.key'), 'box');
  const tally = await readSecretKeyFile(join(opts.keysDir, 'tally.key'), 'tally');
  const center = centerNameFromKeyName(tally.name);
  // Both keys must be one center's (spec 1 names): a box key of another center would reject everything.
  if (centerNameFromKeyName(box.name) !== center) {
    const params = { file: join(opts.keysDir, 'box.key'), name: box.name, center };
    throw new InputError('bad-key-file', englishText('center.tally.other-center-key', params), { key: 'center.tally.other-center-key', params, field: '--keys' });
  }
  const stateDir = opts.stateDir ?? (opts.privateDir ? join(opts.privateDir, 'state') : `${opts.outDir.replace(/[\\/]+$/, '')}.state`);
  const state = new StateDir(stateDir);
  const committed = await state.load(center);
  let db: IntakeDb;
  try {
    db = new IntakeDb(join(opts.dataDir, DB_FILE), { readonly: true });
  } catch (cause) {
    throw new InputError('unreadable', englishText('center.tally.no-data', { dir: opts.dataDir }), { cause, key: 'center.tally.no-data', params: { dir: opts.dataDir }, field: '--data' });
  }
  try {
    const size = db.count();
    if (size < committed.done) throw badState('center.tally.state-ahead', { dir: stateDir, done: committed.done, size });
    const resumed = await state.resume(committed);
    const header: JournalHeader = resumed?.header ?? {
      v: 1,
      run: committed.runs + 1,
      start: committed.done,
      end: size,
      today: opts.today ?? new Date().toISOString().slice(0, 10),
    };
    const seed = newSeed();
    pool.begin({ keys: [{ publicKey: box.publicKey, secretKey: box.secretKey }], today: header.today, seed });
    const ahead = new OpenAhead(pool, resumed?.chunks.at(-1)?.to ?? header.start, header.end, opts.chunk ?? DEFAULT_CHUNK);
    return { tally, center, stateDir, state, committed, db, resumed, header, seed, ahead };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** {@link runTally} once prepared: the journal begun, the earlier runs read back, the range tallied, the commit. */
async function tallyPrepared(pool: OpenPool, opts: TallyOptions, step: number, p: Prepared): Promise<TallyResult> {
  const { tally, center, stateDir, state, committed, db, resumed, header, seed, ahead } = p;
  if (!resumed) await state.begin(header);
  const chunks: JournalChunk[] = (resumed?.chunks ?? []).map(({ records: _, ...c }) => c);
  // Dedup (spec 8): the first in the received log counts, across runs too; likely duplicates
  // (private: same day, region and people) over every run. Sized once for every record there may be.
  const counted = new CountedSet(seed, opts.privateDir !== undefined, committed.done + header.end - header.start);
  const earlier: Batch[] = [];
  for (let run = 1; run <= committed.runs; run++) {
    const records = await state.run(run);
    const from = counted.size;
    counted.addRecords(records);
    earlier.push({ from, to: counted.size, sums: sumsOf(records) });
  }
  const from = counted.size;
  const resumedRecords = resumed?.chunks.flatMap((c) => c.records) ?? [];
  counted.addRecords(resumedRecords);
  // This run's sums: those of the chunks a resumed run already journaled, then summed as it goes.
  const sums = sumsOf(resumedRecords);
  try {
    await tallyRange(ahead, state, { end: header.end, counted, chunks, sums, opts });
    await state.closeJournal();
    return await commit({ opts, db, state, committed, header, chunks, sums, counted, earlier, from, center, signer: new NoteSigner(tally.name, tally.secretKey), step, resumed: resumed !== null, threads: pool.threads, opener: pool.opener, stateDir, pool });
  } finally {
    await state.closeJournal();
  }
}

/** Received entries per chunk (an opening job and a journal chunk). */
const DEFAULT_CHUNK = 2048;

interface RangeJob {
  readonly end: number;
  readonly counted: CountedSet;
  readonly chunks: JournalChunk[];
  readonly sums: Sums;
  readonly opts: TallyOptions;
}

/** Chunks of received entries [from, end) asked of the pool ahead of the tally, taken in order. */
class OpenAhead {
  readonly #inflight: Ahead[] = [];
  /**
   * Enough chunks ahead that the threads never wait on the journal's fsync, nor at the start on
   * this thread loading the charts' packages: eight a thread, about half a second of their work.
   */
  readonly #depth: number;
  #next: number;

  constructor(
    readonly pool: OpenPool,
    from: number,
    readonly end: number,
    readonly chunk: number,
  ) {
    this.#next = from;
    this.#depth = Math.max(2, pool.threads * 8);
    this.fill();
  }

  /** Asks for chunks until the depth is reached or the range asked for. */
  fill(): void {
    while (this.#inflight.length < this.#depth && this.#next < this.end) {
      const count = Math.min(this.chunk, this.end - this.#next);
      const entry: Ahead = { from: this.#next, results: this.pool.open(this.#next, count), ready: false };
      // Awaited in order; a failure of a later chunk must not be an unhandled rejection meanwhile.
      entry.results.then(
        () => (entry.ready = true),
        () => {},
      );
      this.#inflight.push(entry);
      this.#next += count;
    }
  }

  /** The next chunk in order, or undefined after the last. */
  shift(): Ahead | undefined {
    return this.#inflight.shift();
  }
}

/** A chunk asked of the pool: its first entry, its results, and whether they came. */
interface Ahead {
  readonly from: number;
  readonly results: Promise<OpenedRange>;
  ready: boolean;
}

/**
 * Chunks journaled together at most (one write and one fsync). On the calling thread (no opening
 * threads) every chunk is ready at once: each is journaled alone, as the progress it reports.
 */
const GROUP = 16;

/**
 * Tallies the chunks `ahead` opens, counted and journaled strictly in received-log order (dedup:
 * the first one counts).
 */
async function tallyRange(ahead: OpenAhead, state: StateDir, job: RangeJob): Promise<void> {
  let head = ahead.shift();
  while (head) {
    job.opts.signal?.throwIfAborted();
    // The next chunk, and those after it already opened: counted, then journaled with one write
    // and one fsync (a bench/tally finding: the last chunks waited for an fsync each).
    const group: JournalAppend[] = [];
    do {
      const r = await head.results;
      group.push(countChunk(head.from, r, job));
      head = ahead.shift();
      ahead.fill();
    } while (head?.ready && group.length < (ahead.pool.threads > 0 ? GROUP : 1));
    await state.append(...group);
    for (const { chunk } of group) {
      job.chunks.push(chunk);
      job.opts.onProgress?.(chunk.to, job.end);
    }
  }
}

/** Counts a chunk's records (dedup: the first one counts) and sums; what its journal entry holds. */
function countChunk(from: number, r: OpenedRange, job: RangeJob): JournalAppend {
  const rejected = { duplicate: 0, ...r.rejected };
  const details = r.details;
  let n = 0;
  // The thread's bytes are the journal's, but for the duplicates dropped: the ranges kept, when any is.
  let kept: number[] | undefined;
  if (r.valid > 0) {
    const bytes = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
    const buffer = job.counted.store.addBuffer(bytes);
    let start = 0;
    let keptFrom = 0;
    for (let i = 0; i < r.valid; i++) {
      const end = r.meta[i * META + M_END]!;
      const why = job.counted.duplicate(bytes, start, end, r.meta, i * META);
      if (why !== null) {
        rejected.duplicate++;
        details[`duplicate:${why}`] = (details[`duplicate:${why}`] ?? 0) + 1;
        // The opening thread summed it into the chunk's sums: take it out again.
        job.sums.add(parseRecord(bytes.toString('utf8', start, end)), -1);
        kept ??= [];
        // The records before it, without the newline between.
        if (start > keptFrom) kept.push(keptFrom, start - 1);
        keptFrom = end + 1;
      } else {
        job.counted.add(buffer, start, end, r.meta, i * META);
        n++;
      }
      start = end + 1;
    }
    if (kept && keptFrom < bytes.length) kept.push(keptFrom, bytes.length);
  }
  job.sums.addData(r.sums);
  return { chunk: { from, to: r.to, n, rejected, details }, body: r.bytes, kept };
}
