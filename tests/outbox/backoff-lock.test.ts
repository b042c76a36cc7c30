/**
 * Per-envelope backoff (1 s doubling to 10 min, jitter, Retry-After as a floor) and the outbox
 * lock (O_EXCL with the pid; a stale lock of a dead process is taken over; a live one refuses).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffDelay, BACKOFF_MAX_MS } from '../../src/outbox/backoff.js';
import { lockOutbox, OutboxBusy } from '../../src/outbox/lock.js';

describe('backoffDelay', () => {
  it('doubles from 1 s to 10 min, with jitter in [d/2, d]', () => {
    const top = (n: number) => backoffDelay(n, () => 0.999999);
    const low = (n: number) => backoffDelay(n, () => 0);
    expect([1, 2, 3, 4].map(top)).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3].map(low)).toEqual([500, 1000, 2000]);
    expect(top(10)).toBe(512_000);
    expect(top(11)).toBe(BACKOFF_MAX_MS);
    expect(top(1000)).toBe(BACKOFF_MAX_MS);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d >= 8000 && d <= 16_000, String(d)).toBe(true);
  });

  it('honours Retry-After as a floor, still capped at 10 min', () => {
    expect(backoffDelay(1, () => 0, 30_000)).toBe(30_000);
    expect(backoffDelay(12, () => 0, 5_000)).toBe(300_000);
    expect(backoffDelay(1, () => 0, 10 * BACKOFF_MAX_MS)).toBe(BACKOFF_MAX_MS);
  });
});

describe('lockOutbox', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a second lock while one is held refuses with the holder\'s pid; after release it is free', async () => {
    const release = await lockOutbox(dir);
    expect((await readFile(join(dir, '.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await expect(lockOutbox(dir)).rejects.toBeInstanceOf(OutboxBusy);
    await expect(lockOutbox(dir)).rejects.toMatchObject({ pid: process.pid });
    await release();
    const again = await lockOutbox(dir);
    await again();
  });

  it('takes over the stale lock of a process that no longer runs (a flush killed with SIGKILL)', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    await writeFile(join(dir, '.lock'), `${pid}\n`);
    const release = await lockOutbox(dir);
    expect((await readFile(join(dir, '.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await release();
  });

  it('an empty lock file (a crash between create and write) is stale too', async () => {
    await writeFile(join(dir, '.lock'), '');
    await (await lockOutbox(dir))();
  });

  it('a live process\'s lock is never broken', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(join(dir, '.lock'), `${child.pid}\n`);
      await expect(lockOutbox(dir)).rejects.toMatchObject({ pid: child.pid });
      expect((await readFile(join(dir, '.lock'), 'utf8')).trim()).toBe(String(child.pid));
    } finally {
      child.kill();
    }
  });
});
