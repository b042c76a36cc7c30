/**
 * The latest cosigned checkpoint, kept beside the intake's database (`<data>/checkpoint.cosigned`)
 * so that `log export` publishes the note with its witnesses' cosignatures (spec 5): a client with a
 * `witnessPolicy` verifying from a static mirror needs them. The database keeps the log-signed note
 * only; witnesses answer after it is stored.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export const COSIGNED_FILE = 'checkpoint.cosigned';

/** Writes the served note (atomically, fsync'd). */
export async function writeCosigned(dataDir: string, note: string): Promise<void> {
  await writeFileAtomic(join(dataDir, COSIGNED_FILE), note, { mode: 0o600 });
}

/**
 * The note to publish for the stored checkpoint `note`: the cosigned one when the file holds this
 * very checkpoint with more signature lines (its text and the log's signature line first), else `note`.
 */
export async function cosignedNote(dataDir: string, note: string): Promise<string> {
  const kept = await readFile(join(dataDir, COSIGNED_FILE), 'utf8').catch(() => undefined);
  return kept !== undefined && kept.length > note.length && kept.startsWith(note) ? kept : note;
}
