/**
 * Atomic, durable file writes for the outbox (issue 8, build point 1): temp file, fsync, rename
 * (write-file-atomic), then an fsync of the folder, without which a crash can lose the rename
 * (POSIX makes a folder entry durable only when the folder itself is synced).
 */
import { open, unlink } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

/** fsyncs a folder. Windows cannot open a folder for syncing: there NTFS journals the rename. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Coalesces folder fsyncs (a group commit, as the center's intake does for its log): a caller
 * that asks while one runs waits for the next, which covers every change made before it started.
 * A flush of thousands of envelopes pays a few folder syncs, not one per envelope.
 */
export class DirSync {
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  /** @param syncFn the folder sync (tests count calls) */
  constructor(
    readonly dir: string,
    readonly syncFn: (dir: string) => Promise<void> = fsyncDir,
  ) {}

  /** Resolves once every change made in the folder before this call is durable. */
  sync(): Promise<void> {
    if (this.#next) return this.#next;
    if (!this.#running) return this.#start();
    const next = this.#running
      .catch(() => {})
      .then(() => {
        this.#next = null;
        return this.#start();
      });
    this.#next = next;
    return next;
  }

  #start(): Promise<void> {
    const p = this.syncFn(this.dir).finally(() => {
      if (this.#running === p) this.#running = null;
    });
    this.#running = p;
    return p;
  }
}

/** Writes `text` to `file` atomically (mode 0600) and makes it durable, folder entry included. */
export async function writeDurable(file: string, text: string, dir: DirSync): Promise<void> {
  await writeFileAtomic(file, text, { mode: 0o600, fsync: true });
  await dir.sync();
}

/** Removes `file` (missing is fine) and makes the removal durable. */
export async function removeDurable(file: string, dir: DirSync): Promise<void> {
  try {
    await unlink(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await dir.sync();
}
