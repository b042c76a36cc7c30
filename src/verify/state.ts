/**
 * What `verify` keeps in the home folder (CLI spec global options, wire spec 5): the largest
 * checkpoint seen, `<home>/checkpoint` (a public note, written atomically), and the evidence of a
 * lie, `<home>/evidence/<UTC time>-<kind>/` holding the notes that prove it and `lie.json`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { verifyCheckpoint, type SignedCheckpoint } from '../log/checkpoint.js';
import type { LogCenter } from './checkpoints.js';
import type { Lie } from './lies.js';

/** The kept checkpoint's file name in the home folder. */
export const CHECKPOINT_FILE = 'checkpoint';

/** The kept checkpoint, or null (none yet, or `problem` says why it was set aside). */
export interface KeptCheckpoint {
  readonly checkpoint: SignedCheckpoint | null;
  /** Why a file that exists was not used: `unreadable` (not a checkpoint of this center's log key). */
  readonly problem?: 'unreadable';
}

/**
 * Reads `<home>/checkpoint`. A file that is not a checkpoint of this center's log (another
 * center's, a damaged one) is set aside: it proves nothing, and refusing to go on would let a
 * broken file stop every check.
 */
export async function readKeptCheckpoint(home: string, center: LogCenter): Promise<KeptCheckpoint> {
  let note: string;
  try {
    note = await readFile(join(home, CHECKPOINT_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoint: null };
    throw e;
  }
  try {
    return { checkpoint: verifyCheckpoint(note, center.logKey, `${center.name}/log`) };
  } catch {
    return { checkpoint: null, problem: 'unreadable' };
  }
}

/** Keeps `c` as the largest checkpoint seen (atomic: a crash leaves the old or the new one). */
export async function keepCheckpoint(home: string, c: SignedCheckpoint): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(home, CHECKPOINT_FILE), c.note, { mode: 0o600 });
}

/** `20261130T193001Z` */
function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Writes the evidence of `lie` into a new folder `<home>/evidence/<UTC time>-<kind>[-n]/`: each
 * note as `<name>.note`, and `lie.json` (`{"kind", "message", "receipt"?, "time"}`).
 * @returns the folder
 */
export async function writeEvidence(home: string, lie: Lie, now = Date.now()): Promise<string> {
  const root = join(home, 'evidence');
  await mkdir(root, { recursive: true, mode: 0o700 });
  let dir = '';
  for (let n = 1; ; n++) {
    dir = join(root, `${stamp(now)}-${lie.kind}${n > 1 ? `-${n}` : ''}`);
    try {
      await mkdir(dir, { mode: 0o700 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  for (const note of lie.notes) await writeFileAtomic(join(dir, `${note.name}.note`), note.text, { mode: 0o600 });
  const info = { kind: lie.kind, message: lie.error.message, ...(lie.receipt ? { receipt: lie.receipt } : {}), time: new Date(now).toISOString() };
  await writeFileAtomic(join(dir, 'lie.json'), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return dir;
}
