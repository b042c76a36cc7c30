/**
 * `sealpost log export --data <dir> --tiles <dir>` (CLI spec, wire spec 5): the received log at its
 * latest stored checkpoint as C2SP tlog-tiles static files — `checkpoint`, hash tiles
 * `tile/<L>/<N>[.p/<W>]` and entry bundles `tile/entries/<N>[.p/<W>]` (the 40-byte blinded leaves,
 * never an envelope id) — for any static host, USB stick or mirror.
 *
 * Each file is written atomically (a temporary file, fsync, rename). A re-export writes only what
 * is new: full tiles never change, so one already there with the right length is kept; the
 * checkpoint is written last, so a mirror copied mid-export never names a tile it lacks.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InputError } from '../../errors.js';
import { HASH_SIZE } from '../../log/merkle.js';
import { encodeBundle, entriesPath, tilePath, tilePositions, TILE_HEIGHT, TILE_WIDTH } from '../../log/tiles.js';
import { cosignedNote } from './cosigned.js';
import { LEAF_SIZE } from '../leaf.js';
import { IntakeDb } from '../sqlite-db.js';
import type { StoredCheckpoint } from '../store.js';

/** What an export did. */
export interface ExportResult {
  /** The tree size of the exported checkpoint. */
  readonly size: number;
  /** Files written (new or changed), the checkpoint included when it changed. */
  readonly written: number;
  /** Files already there and kept. */
  readonly kept: number;
}

/** Files written at once: enough to overlap the fsyncs. */
const CONCURRENCY = 8;

/** A tile or bundle to have on disk: its path, length and how to make its bytes. */
interface Job {
  readonly path: string;
  readonly length: number;
  bytes(): Uint8Array;
}

function noLog(dataDir: string, cause?: unknown): InputError {
  return new InputError('unreadable', `${dataDir} holds no received log with a checkpoint`, {
    key: 'center.error.no-log',
    params: { dir: dataDir },
    field: '--data',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The tiles and bundles of a tree of `size` leaves, full ones first at each level. */
function* jobs(db: IntakeDb, size: number): Generator<Job> {
  for (let level = 0; TILE_WIDTH ** level <= size; level++) {
    const nodes = Math.floor(size / 2 ** (TILE_HEIGHT * level));
    for (let n = 0; n * TILE_WIDTH < nodes; n++) {
      const width = Math.min(TILE_WIDTH, nodes - n * TILE_WIDTH);
      yield { path: tilePath(level, n, width), length: width * HASH_SIZE, bytes: () => Buffer.concat(db.log.readHashes(tilePositions(level, n, width))) };
      if (level === 0) {
        yield { path: entriesPath(n, width), length: width * (2 + LEAF_SIZE), bytes: () => encodeBundle(db.leaves(n * TILE_WIDTH, width)) };
      }
    }
  }
}

async function exists(path: string, length: number): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && st.isFile() && st.size === length;
}

/**
 * Exports the log of `<dataDir>/intake.sqlite` (read-only: a running `serve` may keep writing) at
 * its latest stored checkpoint into `tilesDir`.
 * @throws InputError `unreadable` (field `--data`) when the folder holds no log with a checkpoint
 */
export async function exportLog(opts: { readonly dataDir: string; readonly tilesDir: string }): Promise<ExportResult> {
  let db: IntakeDb;
  try {
    // The file name of serve.ts's DB_FILE (not imported: serve.ts re-exports this module).
    db = new IntakeDb(join(opts.dataDir, 'intake.sqlite'), { readonly: true });
  } catch (err) {
    throw noLog(opts.dataDir, err);
  }
  try {
    const latest: StoredCheckpoint | undefined = db.log.latestCheckpoint();
    if (!latest) throw noLog(opts.dataDir);
    let written = 0;
    let kept = 0;
    const made = new Set<string>();
    const work = jobs(db, latest.size);
    const worker = async () => {
      for (let r = work.next(); !r.done; r = work.next()) {
        const job = r.value;
        const file = join(opts.tilesDir, job.path);
        if (await exists(file, job.length)) {
          kept++;
          continue;
        }
        const bytes = job.bytes();
        if (bytes.length !== job.length) throw new Error(`${job.path}: ${bytes.length} bytes, expected ${job.length}`);
        const dir = dirname(file);
        if (!made.has(dir)) {
          await mkdir(dir, { recursive: true });
          made.add(dir);
        }
        await writeFileAtomic(file, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
        written++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const cpFile = join(opts.tilesDir, 'checkpoint');
    const note = await cosignedNote(opts.dataDir, latest.note);
    const old = await readFile(cpFile, 'utf8').catch(() => undefined);
    if (old === note) kept++;
    else {
      await mkdir(opts.tilesDir, { recursive: true });
      await writeFileAtomic(cpFile, note);
      written++;
    }
    return { size: latest.size, written, kept };
  } finally {
    db.close();
  }
}
