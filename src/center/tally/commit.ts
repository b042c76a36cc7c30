/**
 * The end of a tally run: the new batch appended to the counted log, its checkpoint and the
 * tally note signed (spec 8), the reports written, invariants checked, then the state committed.
 * Everything written before the commit is a pure function of the state folder and the journal
 * (Ed25519 signatures are deterministic), so a run killed while committing writes the same files
 * again when it resumes.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { toBase64 } from '../../crypto/base64.js';
import type { NoteSigner } from '../../crypto/note.js';
import { signCheckpoint } from '../../log/checkpoint.js';
import { countedFigures, formatCountedEntry, tallyNoteBody, REJECTED_REASONS } from '../../log/counted.js';
import { StreamingRoot } from '../../log/recount.js';
import { countedRootAside } from './root.js';
import type { IntakeDb } from '../sqlite-db.js';
import { buildBatch } from './batch.js';
import type { OpenedStatement } from './open.js';
import { privateReport } from './private.js';
import { buildReport, checkInvariants, reportTables } from './report.js';
import { reportHtml } from './html/index.js';
import type { TallyOptions, TallyResult } from './run.js';
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
  /** The statements of each committed run, run 1 first. */
  readonly previous: readonly OpenedStatement[][];
  readonly center: string;
  readonly signer: NoteSigner;
  readonly step: number;
  readonly resumed: boolean;
  readonly threads: number;
  readonly opener: 'libsodium' | 'tweetnacl';
  readonly stateDir: string;
}

async function writeFiles(dir: string, files: Record<string, string>, mode?: number): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true, ...(mode ? { mode: 0o700 } : {}) });
    await writeFileAtomic(join(dir, name), text, mode ? { mode } : {});
  }
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
  const thisRun = c.chunks.flatMap((ch) => ch.counted);
  const rejected = { ...c.committed.rejected };
  const details: Record<string, number> = { ...c.committed.details };
  for (const ch of c.chunks) {
    for (const r of REJECTED_REASONS) rejected[r] += ch.rejected[r];
    for (const [k, n] of Object.entries(ch.details)) details[k] = (details[k] ?? 0) + n;
  }
  // Each run's batch is rebuilt from its statements: the counted log is a function of the state.
  const earlier = c.previous.flatMap((run) => buildBatch(run));
  const batch = buildBatch(thisRun);
  const entries = [...earlier, ...batch];
  const before = earlier.map(formatCountedEntry);
  const lines = [...before, ...batch.map(formatCountedEntry)];
  const entriesText = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  // Hashed on another thread while this one counts and builds the reports.
  const rootAside = countedRootAside(entriesText);
  rootAside.catch(() => {}); // awaited below; a failure before then must not be unhandled
  const published = await readFile(join(out, 'counted', 'entries'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  const beforeText = before.map((l) => `${l}\n`).join('');
  // Append-only (spec 8): what --out already publishes must be this log's prefix.
  if (published !== null && published !== beforeText && published !== entriesText) {
    throw new InputError('bad-tally-state', englishText('center.tally.other-log', { dir: out, state: c.stateDir }), {
      key: 'center.tally.other-log',
      params: { dir: out, state: c.stateDir },
      field: '--out',
    });
  }
  const figures = countedFigures(entries, c.step);
  const received = { size: c.header.end, root: toBase64(receivedRoot(c.db, c.header.end)) };
  const privateFiles = c.opts.privateDir ? privateReport([...c.previous.flat(), ...thisRun], details) : null;
  const root = await rootAside;
  const checkpoint = signCheckpoint(c.signer, { origin: `${c.center}/counted`, size: lines.length, root });
  const fields = {
    center: c.center,
    counted: { size: lines.length, root: toBase64(root) },
    received,
    ...figures,
    rejected,
    milestoneStep: c.step,
  };
  const note = c.signer.sign(tallyNoteBody(fields));
  const report = buildReport(fields, entries);
  checkInvariants(report);
  // Rendered before anything is written: a missing chart package stops the run with nothing half-published.
  const html = await reportHtml(report);

  await c.state.writeRun(c.header.run);
  await writeFiles(out, {
    'counted/entries': entriesText,
    'counted/checkpoint': checkpoint,
    'tally.note': note,
    'tally.json': `${JSON.stringify(report, null, 2)}\n`,
    ...reportTables(report),
    'report.html': html,
  });
  if (c.opts.privateDir && privateFiles) await writeFiles(c.opts.privateDir, privateFiles, 0o600);
  await c.state.commit({ v: 1, center: c.center, done: c.header.end, runs: c.header.run, rejected, details });
  await c.state.clear();
  return {
    report,
    note,
    appended: batch.length,
    tallied: c.header.end - c.header.start,
    resumed: c.resumed,
    threads: c.threads,
    opener: c.opener,
    stateDir: c.stateDir,
  };
}
