/**
 * The end of a tally run: the new batch appended to the counted log, its checkpoint and the
 * tally note signed (spec 8), the reports written, invariants checked, then the state committed.
 * Everything written before the commit is a pure function of the state folder and the journal
 * (Ed25519 signatures are deterministic), so a run killed while committing writes the same files
 * again when it resumes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { toBase64 } from '../../crypto/base64.js';
import type { NoteSigner } from '../../crypto/note.js';
import { signCheckpoint } from '../../log/checkpoint.js';
import { countedFigures, tallyNoteBody, REJECTED_REASONS } from '../../log/counted.js';
import { StreamingRoot } from '../../log/recount.js';
import type { IntakeDb } from '../sqlite-db.js';
import { appendBatch, EntryPlan, type Batch } from './batch.js';
import type { OpenPool } from './pool.js';
import { rootOfUnits } from './roots.js';
import type { Hash } from '../../log/merkle.js';
import { Sums, weightedEntries } from './sums.js';
import { privateReport } from './private.js';
import { buildReport, checkInvariants, reportTables } from './report.js';
import { reportCharts, reportHtml } from './html/index.js';
import type { TallyOptions, TallyResult } from './run.js';
import type { CountedSet } from './counted-set.js';
import { InputError } from '../../errors.js';
import { englishText } from './messages.js';
import type { JournalChunk, JournalHeader, StateDir, TallyState } from './state.js';

export interface CommitInput {
  readonly opts: TallyOptions;
  readonly db: IntakeDb;
  readonly state: StateDir;
  readonly committed: TallyState;
  readonly header: JournalHeader;
  readonly chunks: readonly JournalChunk[];
  /** This run's sums (`sums.ts`). */
  readonly sums: Sums;
  /** Every counted record, earlier runs first (likely duplicates with --private). */
  readonly counted: CountedSet;
  /** The committed runs' batches (their records in `counted`), run 1 first. */
  readonly earlier: readonly Batch[];
  /** This run's first record in `counted` (its records are the rest). */
  readonly from: number;
  readonly center: string;
  readonly signer: NoteSigner;
  /** The opening threads, which hash the counted log. */
  readonly pool: OpenPool;
  readonly step: number;
  readonly resumed: boolean;
  readonly threads: number;
  readonly opener: 'libsodium' | 'tweetnacl';
  readonly stateDir: string;
}

/**
 * Writes files atomically, all at once, so that their fsyncs overlap (bench/tally: one after
 * another, the twenty files of a run took about a tenth of a second).
 */
async function writeFiles(dir: string, files: Record<string, string | Buffer>, mode?: number): Promise<void> {
  for (const d of new Set(Object.keys(files).map((name) => dirname(join(dir, name))))) await mkdir(d, { recursive: true, ...(mode ? { mode: 0o700 } : {}) });
  await Promise.all(Object.entries(files).map(([name, text]) => writeFileAtomic(join(dir, name), text, mode ? { mode } : {})));
}

/**
 * The received log's root at `size` (spec 5): from the stored hashes when they cover it (O(log n)
 * reads; the same hashes the intake's published checkpoints come from), else from the stored leaves.
 */
function receivedRoot(db: IntakeDb, size: number): Uint8Array {
  if (db.log.size() >= size) return db.log.root(size);
  const r = new StreamingRoot();
  while (r.size < size) {
    const leaves = db.leaves(r.size, Math.min(4096, size - r.size));
    if (leaves.length === 0) throw new Error(`the intake database has no leaf ${r.size}`);
    for (const l of leaves) r.push(l);
  }
  return r.root();
}

/** Finishes a run (see the file comment). */
export async function commit(c: CommitInput): Promise<TallyResult> {
  const out = c.opts.outDir;
  const rejected = { ...c.committed.rejected };
  const details: Record<string, number> = { ...c.committed.details };
  for (const ch of c.chunks) {
    for (const r of REJECTED_REASONS) rejected[r] += ch.rejected[r];
    for (const [k, n] of Object.entries(ch.details)) details[k] = (details[k] ?? 0) + n;
  }
  // Each run's batch is rebuilt from its records: the counted log is a function of the state.
  const earlier = c.earlier.map((b) => b.sums);
  const store = c.counted.store;
  const plan = new EntryPlan(store.size);
  for (const b of c.earlier) appendBatch(plan, store, b.from, b.to, b.sums.cells);
  const beforeCount = plan.lines;
  const beforeBytes = plan.length;
  appendBatch(plan, store, c.from, store.size, c.sums.cells);
  const size = plan.lines;
  const appended = size - beforeCount;
  // Copied, hashed and written by the opening threads, a unit each at a time, while this one builds the reports.
  const entriesBytes = Buffer.from(new SharedArrayBuffer(plan.length));
  // The largest file is so written beside its place, then fsync'd and checked against what --out
  // publishes while the reports are finished; it takes its place first among the files, and is
  // removed if the run stops before.
  const file = await stage(join(out, 'counted', 'entries'));
  c.pool.share(store.buffers());
  const units = plan.units().map((job) => c.pool.copyUnit(entriesBytes, { ...job, fd: file.fd }));
  const rootAside = Promise.all(units).then((roots) => {
    // The threads are done: they stop (and free their memory) while the commit writes its files.
    c.pool.close().catch(() => {});
    return rootOfUnits(roots);
  });
  rootAside.catch(() => {});
  const staged = rootAside.then(async () => {
    const written = await file.written();
    await appendOnly(c, entriesBytes, beforeBytes).catch(async (err: unknown) => {
      await written.discard();
      throw err;
    });
    return written;
  });
  staged.catch(() => {});
  try {
    return await finish(c, { staged, rootAside, size, appended, rejected, details, earlier });
  } catch (err) {
    // No thread may write to the descriptor once it is closed (its number could be another file's).
    await Promise.allSettled(units);
    await staged.then((f) => f.discard(), () => file.discard());
    throw err;
  }
}

/**
 * Append-only (spec 8): what --out already publishes must be the new log or its prefix before this
 * run's batch. Throws InputError when it is not.
 */
async function appendOnly(c: CommitInput, entries: Buffer, before: number): Promise<void> {
  const out = c.opts.outDir;
  const published = await readFile(join(out, 'counted', 'entries')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  const same = (n: number) => published !== null && published.length === n && Buffer.compare(published, entries.subarray(0, n)) === 0;
  if (published !== null && !same(before) && !same(entries.length)) {
    throw new InputError('bad-tally-state', englishText('center.tally.other-log', { dir: out, state: c.stateDir }), {
      key: 'center.tally.other-log',
      params: { dir: out, state: c.stateDir },
      field: '--out',
    });
  }
}

/** A file written and fsync'd under a temporary name, to be put in place (renamed) or discarded. */
interface Staged {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** A file being written under a temporary name beside `path` (by descriptor, from any thread). */
interface Staging {
  readonly fd: number;
  /** Once every write is done: fsync'd and closed. */
  written(): Promise<Staged>;
  /** Closed and removed (once no thread writes to it). */
  discard(): Promise<void>;
}

async function stage(path: string): Promise<Staging> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // What a run killed here left (a kill skips the discard): never leave it in a published folder.
  const left = new RegExp(`^${basename(path).replace(/[.]/g, '\\.')}\\.\\d+\\.[0-9a-f]{12}\\.tmp$`);
  for (const name of await readdir(dir)) if (left.test(name)) await rm(join(dir, name), { force: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const f = await open(tmp, 'w');
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= f.close());
  const discard = async () => {
    await close().catch(() => {});
    await rm(tmp, { force: true });
  };
  return {
    fd: f.fd,
    async written() {
      try {
        await f.sync();
        await close();
      } catch (err) {
        await discard();
        throw err;
      }
      return { commit: () => rename(tmp, path), discard };
    },
    discard,
  };
}

interface Built {
  readonly staged: Promise<Staged>;
  readonly rootAside: Promise<Hash>;
  readonly size: number;
  readonly appended: number;
  readonly rejected: TallyState['rejected'];
  readonly details: Record<string, number>;
  readonly earlier: readonly Sums[];
}

/** The commit after the batch is written: reports, signatures, files, state. */
async function finish(c: CommitInput, b: Built): Promise<TallyResult> {
  const out = c.opts.outDir;
  const { size, appended, rejected, details, earlier, rootAside } = b;
  // Built while the counted log is written and hashed.
  let privateFiles: Record<string, string> | null = null;
  if (c.opts.privateDir) {
    const all = new Sums();
    for (const s of [...earlier, c.sums]) all.addSums(s);
    privateFiles = privateReport(all, c.counted.likelyGroups(), details);
  }
  // Every figure is a sum over entries, so over each batch's cells as published (see sums.ts).
  const entries = [...earlier, c.sums].flatMap((s) => weightedEntries(s.cells));
  const figures = countedFigures(entries, c.step);
  const received = { size: c.header.end, root: toBase64(receivedRoot(c.db, c.header.end)) };
  const fieldsWith = (root: string) => ({ center: c.center, counted: { size, root }, received, ...figures, rejected, milestoneStep: c.step });
  // The charts (figures only) are drawn while the opening threads write and hash the counted log.
  const charts = await reportCharts(buildReport(fieldsWith(''), entries));
  const root = await rootAside;
  const checkpoint = signCheckpoint(c.signer, { origin: `${c.center}/counted`, size, root });
  const fields = fieldsWith(toBase64(root));
  const note = c.signer.sign(tallyNoteBody(fields));
  const report = buildReport(fields, entries);
  checkInvariants(report);
  // Rendered before anything is written: a missing chart package stops the run with nothing half-published.
  const html = await reportHtml(report, charts);
  const entriesFile = await b.staged;

  await c.state.writeRun(c.header.run);
  await entriesFile.commit();
  await Promise.all([
    writeFiles(out, {
      'counted/checkpoint': checkpoint,
      'tally.note': note,
      'tally.json': `${JSON.stringify(report, null, 2)}\n`,
      ...reportTables(report),
      'report.html': html,
    }),
    c.opts.privateDir && privateFiles ? writeFiles(c.opts.privateDir, privateFiles, 0o600) : undefined,
  ]);
  await c.state.commit({ v: 1, center: c.center, done: c.header.end, runs: c.header.run, rejected, details });
  await c.state.clear();
  return {
    report,
    note,
    appended,
    tallied: c.header.end - c.header.start,
    resumed: c.resumed,
    threads: c.threads,
    opener: c.opener,
    stateDir: c.stateDir,
  };
}
