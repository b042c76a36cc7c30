/**
 * One flusher per outbox (issue 8, build point 1): `<home>/outbox/.lock`, created with O_EXCL and
 * holding the owner's pid. A lock whose pid no longer runs (a flush killed with SIGKILL, a laptop
 * that died) is stale and taken over. A second flush refuses rather than waits: a volunteer who
 * starts one while `--watch` runs learns at once that it is already being done.
 */
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Another live process holds the outbox lock. */
export class OutboxBusy extends Error {
  override name = 'OutboxBusy' as const;
  constructor(readonly pid: number) {
    super(`the outbox is being flushed by process ${pid}`);
  }
}

/**
 * True when `pid` is a running process (EPERM: it runs under another user). A zombie — killed,
 * not yet reaped, as under a container init that does not reap — still answers kill(pid, 0) but
 * holds nothing: on Linux its /proc state `Z` makes it dead.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function readPid(file: string): Promise<number | null> {
  try {
    return Number.parseInt(await readFile(file, 'utf8'), 10);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function create(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'wx', 0o600);
    try {
      await fh.writeFile(`${process.pid}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Moves a stale lock aside and checks that what was moved is still the stale one: two processes
 * breaking the same stale lock at once must not remove the fresh lock one of them just made.
 */
async function breakStale(file: string, stalePid: number): Promise<void> {
  const aside = `${file}.${process.pid}`;
  try {
    await rename(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = await readPid(aside);
  if (moved !== stalePid && moved !== null && pidAlive(moved)) {
    // We moved a live lock: put it back unless a third process made another meanwhile.
    if (!(await create(file))) {
      await rm(aside, { force: true });
      return;
    }
    await rename(aside, file);
    return;
  }
  await rm(aside, { force: true });
}

/**
 * Takes the lock of the outbox folder `dir`.
 * @returns a function that releases it (idempotent)
 * @throws OutboxBusy when a live process holds it
 */
export async function lockOutbox(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, '.lock');
  for (let i = 0; i < 3; i++) {
    if (await create(file)) {
      let held = true;
      return async () => {
        if (!held) return;
        held = false;
        if ((await readPid(file)) === process.pid) await rm(file, { force: true });
      };
    }
    const pid = await readPid(file);
    if (pid !== null && pidAlive(pid) && pid !== process.pid) throw new OutboxBusy(pid);
    if (pid === process.pid) throw new OutboxBusy(pid);
    if (pid !== null || i > 0) await breakStale(file, pid ?? -1);
  }
  throw new OutboxBusy((await readPid(file)) ?? 0);
}
