/**
 * Issue 9, build 2: the checkpoint schedule (fake timers, no sleeps). A checkpoint is signed every
 * interval when the log grew, never per request; a slow round makes ticks skip; the witness hook
 * sees each new checkpoint with a working consistency function, and its lines are served.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NoteSigner, parseNote, parseVerifierKey } from '../../src/crypto/note.js';
import { appendSignatures, Checkpointer, type CosignHook } from '../../src/center/log/checkpoints.js';
import { startServe } from '../../src/center/serve.js';
import type { ReceivedLogStore, StoredCheckpoint } from '../../src/center/store.js';
import { verifyCheckpoint } from '../../src/log/checkpoint.js';
import { verifyConsistency } from '../../src/log/merkle.js';
import { memoryStore } from '../harness/memory-center.js';
import { CENTER, envelope, makeCenter, post, token } from '../fixtures/center-helpers.js';

const signer = new NoteSigner('sched.test/log', new Uint8Array(32).fill(3));
const vkey = parseVerifierKey(signer.verifierKey);
const item = () => ({ idem: createHash('sha256').update(Math.random().toString()).digest(), eh: createHash('sha256').update(Math.random().toString()).digest(), envelope: new Uint8Array(4) });

afterEach(() => {
  vi.useRealTimers();
});

/** A log store that counts its checkpoint calls and can hold one back. */
function counting(inner: ReceivedLogStore): ReceivedLogStore & { calls: number; hold?: Promise<void> } {
  const s = {
    calls: 0,
    hold: undefined as Promise<void> | undefined,
    async checkpoint(): Promise<StoredCheckpoint> {
      s.calls++;
      await s.hold;
      return inner.checkpoint();
    },
    readHashes: (p: readonly number[]) => inner.readHashes(p),
    leaves: (f: number, c: number) => inner.leaves(f, c),
  };
  return s;
}

describe('the checkpoint schedule', () => {
  it('signs the first at start, then one per interval, only when the log grew', async () => {
    vi.useFakeTimers();
    const store = memoryStore(signer);
    const log = counting(store.log);
    const cp = await Checkpointer.start({ log, intervalMs: 1000 });
    expect(cp.served!.size).toBe(0);
    await store.append(item());
    await store.append(item());
    await vi.advanceTimersByTimeAsync(999);
    expect(cp.served!.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(cp.served!.size).toBe(2);
    expect(verifyCheckpoint(cp.served!.note, vkey).size).toBe(2);
    const note = cp.served!.note;
    await vi.advanceTimersByTimeAsync(5000);
    expect(cp.served!.note).toBe(note);
    expect(log.calls).toBe(7);
    await cp.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(log.calls).toBe(7);
  });

  it('skips ticks while a round is still running, instead of queueing them', async () => {
    vi.useFakeTimers();
    const store = memoryStore(signer);
    const log = counting(store.log);
    const cp = await Checkpointer.start({ log, intervalMs: 1000 });
    let release!: () => void;
    log.hold = new Promise((r) => (release = r));
    await store.append(item());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.calls).toBe(2);
    release();
    await cp.tick();
    expect(cp.served!.size).toBe(1);
    await cp.stop();
  });

  it('serves a new checkpoint only after the witness hook answered, with its signature lines appended', async () => {
    const store = memoryStore(signer);
    await store.append(item());
    const seen: number[] = [];
    let answer!: (lines: string[]) => void;
    let asked!: () => void;
    const hookAsked = new Promise<void>((r) => (asked = r));
    const firstRoot = (await store.log.readHashes([0]))[0]!;
    const cosign: CosignHook = async (note, size, consistency) => {
      seen.push(size);
      const c = verifyCheckpoint(note, vkey);
      if (size !== 5) return [];
      // The hook's consistency function proves the first checkpoint (1 leaf: its root is leaf 0's hash) a prefix.
      verifyConsistency(1, 5, await consistency(1), firstRoot, c.root);
      return new Promise((r) => {
        answer = r;
        asked();
      });
    };
    const cp = await Checkpointer.start({ log: store.log, intervalMs: 3_600_000, cosign });
    expect(cp.served!.size).toBe(1);
    for (let i = 0; i < 4; i++) await store.append(item());
    const round = cp.tick();
    await hookAsked;
    expect(cp.served!.size).toBe(1);
    // The shape of a C2SP tlog-cosignature line: key hash (4), timestamp (8), Ed25519 signature (64).
    answer([`— witness.test ${Buffer.alloc(76, 1).toString('base64')}`, 'not a signature line', '— two words here']);
    await round;
    expect(seen).toEqual([1, 5]);
    expect(cp.served!.size).toBe(5);
    const parsed = parseNote(cp.served!.note);
    expect(parsed.signatures.map((s) => s.name)).toEqual(['sched.test/log', 'witness.test']);
    // The log key's signature still verifies: the unknown witness line is ignored.
    expect(verifyCheckpoint(cp.served!.note, vkey).size).toBe(5);
    await cp.stop();
  });

  it('serves the checkpoint without cosignatures when the hook fails, and reports it', async () => {
    const store = memoryStore(signer);
    const errors: string[] = [];
    const cp = await Checkpointer.start({ log: store.log, intervalMs: 3_600_000, cosign: async () => Promise.reject(new Error('witness down')), onError: (what, e) => errors.push(`${what}: ${(e as Error).message}`) });
    expect(cp.served!.size).toBe(0);
    expect(errors).toEqual(['cosign: witness down']);
    await cp.stop();
  });

  it('appendSignatures keeps only well-formed signature lines', () => {
    expect(appendSignatures('a\n\n— k AAAA\n', ['— w AQID', '— w AQID\n', 'x', '— w A B', '— w\nAQID'])).toBe('a\n\n— k AAAA\n— w AQID\n— w AQID\n');
  });
});

describe('serve with the default interval', () => {
  it('serves a checkpoint covering a new receipt after one interval (1 s), not before', async () => {
    const center = await makeCenter();
    // Only the schedule's clock is fake: the store and the HTTP server keep their real timers.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const sizes: number[] = [];
    let covered!: () => void;
    const coveredOne = new Promise<void>((r) => (covered = r));
    const serving = await startServe({
      keysDir: center.keysDir,
      dataDir: join(center.dir, 'data'),
      listen: '127.0.0.1:0',
      cosign: async (_note, size) => {
        sizes.push(size);
        if (size === 1) covered();
        return [];
      },
    });
    try {
      const a = await post(serving.url, envelope(), token());
      expect(a.status).toBe(200);
      const checkpointSize = async () =>
        verifyCheckpoint(await (await request(new URL('v1/checkpoint', serving.url))).body.text(), parseVerifierKey(center.logKey), `${CENTER}/log`).size;
      expect(await checkpointSize()).toBe(0);
      vi.advanceTimersByTime(999);
      expect(sizes).toEqual([0]);
      vi.advanceTimersByTime(1);
      await coveredOne;
      expect(await checkpointSize()).toBe(1);
    } finally {
      vi.useRealTimers();
      await serving.close();
      await center.cleanup();
    }
  });
});
