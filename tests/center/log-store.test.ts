/**
 * Issue 9, build 1: the received log's stored hashes in SQLite, appended in the same transaction
 * as the entries; an older data folder (schema 1, no hash table) gets its hashes built on open;
 * checkpoints are stored, never two for one size, never behind, and a log that no longer matches
 * its latest checkpoint refuses to open.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoteSigner, parseVerifierKey } from '../../src/crypto/note.js';
import { receivedLeaf } from '../../src/center/leaf.js';
import { IntakeDb } from '../../src/center/sqlite-db.js';
import { leavesOfHashCount } from '../../src/center/log/sqlite-log.js';
import { verifyCheckpoint } from '../../src/log/checkpoint.js';
import { leafHash, MemoryHashes, runSync, storedHashCount, storedHashIndex, treeHashPlan } from '../../src/log/merkle.js';
import { DIST_STORE } from '../fixtures/center-helpers.js';
import type { AppendItem } from '../../src/center/store.js';

const seed = new Uint8Array(32).fill(7);
const signer = new NoteSigner('log.test/log', seed);
const vkey = parseVerifierKey(signer.verifierKey);

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-log-store-'));
  path = join(dir, 'intake.sqlite');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const item = (): AppendItem => ({ idem: randomBytes(32), eh: randomBytes(32), envelope: randomBytes(8) });

/** The root of the first `size` leaves of the entries, computed apart from the store. */
function independentRoot(db: IntakeDb, size: number): Buffer {
  const m = new MemoryHashes();
  for (const leaf of db.leaves(0, size)) m.append(leafHash(leaf));
  return Buffer.from(runSync(treeHashPlan(size), (p) => m.readHashes(p)));
}

function hashRows(): number {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare('SELECT count(*) AS n FROM log_hashes').get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

describe('the stored hashes', () => {
  it('are appended with each batch: the roots match an independent tree at every size', () => {
    const db = new IntakeDb(path);
    const sizes: number[] = [];
    for (const n of [1, 2, 5, 1, 64, 200, 3]) {
      db.commit(Array.from({ length: n }, item));
      sizes.push(db.count());
    }
    expect(db.log.size()).toBe(276);
    for (let s = 1; s <= 276; s++) expect(Buffer.from(db.log.root(s)), `size ${s}`).toEqual(independentRoot(db, s));
    db.close();
    expect(hashRows()).toBe(storedHashCount(276));
  });

  it('a retried idempotency key adds no leaf', () => {
    const db = new IntakeDb(path);
    const it1 = item();
    db.commit([it1, item()]);
    db.commit([it1]);
    expect(db.count()).toBe(2);
    expect(db.log.size()).toBe(2);
    db.close();
  });

  it('a failed batch stores neither its entries nor its hashes', () => {
    const db = new IntakeDb(path);
    db.commit([item(), item()]);
    const bad = { idem: randomBytes(32), eh: randomBytes(32), envelope: null } as unknown as AppendItem;
    expect(() => db.commit([item(), item(), bad])).toThrow();
    expect(db.count()).toBe(2);
    expect(db.log.size()).toBe(2);
    db.commit([item()]);
    expect(Buffer.from(db.log.root(3))).toEqual(independentRoot(db, 3));
    db.close();
    expect(hashRows()).toBe(storedHashCount(3));
  });

  it('a hash count that is no whole number of leaves is refused', () => {
    expect(leavesOfHashCount(storedHashCount(1001))).toBe(1001);
    // Leaf 1001 adds two hashes (it completes a pair): one more than 1001 leaves' count is no size.
    expect(() => leavesOfHashCount(storedHashCount(1001) + 1)).toThrow(/no whole number/);
  });
});

describe('an older data folder', () => {
  it('(schema 1, no hash table) gets its hashes built on open, and its old receipts stay provable', () => {
    const raw = new Database(path);
    raw.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
      CREATE TABLE entries (idx INTEGER PRIMARY KEY, idem BLOB NOT NULL UNIQUE, eh BLOB NOT NULL, blind BLOB NOT NULL,
      hour INTEGER NOT NULL, leaf BLOB NOT NULL, envelope BLOB NOT NULL);`);
    const ins = raw.prepare('INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 700; i++) {
      const blind = randomBytes(16);
      const eh = randomBytes(32);
      ins.run(i, randomBytes(32), eh, blind, 490_000, receivedLeaf(blind, eh, 490_000), randomBytes(4));
    }
    raw.close();
    const db = new IntakeDb(path);
    expect(db.log.size()).toBe(700);
    expect(Buffer.from(db.log.root(700))).toEqual(independentRoot(db, 700));
    db.commit([item()]);
    expect(Buffer.from(db.log.root(701))).toEqual(independentRoot(db, 701));
    const c = verifyCheckpoint(db.checkpoint(signer).note, vkey);
    expect(c.size).toBe(701);
    db.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').get()).toEqual({ version: 2 });
    check.close();
  });

  it('written with the log off gets the missing hashes on the next open with the log on', () => {
    const on = new IntakeDb(path);
    on.commit(Array.from({ length: 10 }, item));
    on.close();
    const off = new IntakeDb(path, { log: false });
    off.commit(Array.from({ length: 90 }, item));
    expect(off.log.size()).toBe(10);
    off.close();
    const again = new IntakeDb(path);
    expect(again.log.size()).toBe(100);
    expect(Buffer.from(again.log.root(100))).toEqual(independentRoot(again, 100));
    again.close();
  });
});

describe('checkpoints', () => {
  it('are signed by the log key for the whole log, stored, and not signed again while the log has not grown', () => {
    const db = new IntakeDb(path);
    const c0 = db.checkpoint(signer);
    expect(verifyCheckpoint(c0.note, vkey).size).toBe(0);
    db.commit(Array.from({ length: 9 }, item));
    const c1 = db.checkpoint(signer);
    const v = verifyCheckpoint(c1.note, vkey);
    expect([v.size, v.origin]).toEqual([9, 'log.test/log']);
    expect(Buffer.from(v.root)).toEqual(independentRoot(db, 9));
    expect(db.checkpoint(signer)).toEqual(c1);
    db.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT size FROM checkpoints ORDER BY size').all()).toEqual([{ size: 0 }, { size: 9 }]);
    raw.close();
  });

  it('after a reopen, the next one is for a size >= the last stored', () => {
    const db = new IntakeDb(path);
    db.commit(Array.from({ length: 5 }, item));
    db.checkpoint(signer);
    db.commit(Array.from({ length: 5 }, item));
    db.close();
    const again = new IntakeDb(path);
    expect(again.log.latestCheckpoint()!.size).toBe(5);
    expect(again.checkpoint(signer).size).toBe(10);
    again.close();
  });

  it('a log whose stored hashes no longer give the latest checkpoint refuses to open', () => {
    const db = new IntakeDb(path);
    db.commit(Array.from({ length: 6 }, item));
    db.checkpoint(signer);
    db.close();
    const raw = new Database(path);
    // The subtree of leaves 0..3, which the root of 6 leaves is made of.
    raw.prepare('UPDATE log_hashes SET hash = ? WHERE pos = ?').run(randomBytes(32), storedHashIndex(2, 0));
    raw.close();
    expect(() => new IntakeDb(path)).toThrow(/does not match its checkpoint of size 6/);
  });
});

describe.runIf(existsSync(DIST_STORE))('the store in its worker thread (built code)', () => {
  it('appends the hashes and signs checkpoints in the worker; the main thread reads them', async () => {
    const { openSqliteStore } = (await import(DIST_STORE)) as typeof import('../../src/center/sqlite-store.js');
    const store = await openSqliteStore({ path, thread: 'worker', sign: { name: 'log.test/log', seed } });
    try {
      await Promise.all(Array.from({ length: 40 }, () => store.append(item())));
      const c = await store.log!.checkpoint();
      const v = verifyCheckpoint(c.note, vkey);
      expect(v.size).toBe(40);
      const leaves = await store.log!.leaves(0, 40);
      const m = new MemoryHashes();
      for (const l of leaves) m.append(leafHash(l));
      expect(Buffer.from(v.root)).toEqual(Buffer.from(runSync(treeHashPlan(40), (p) => m.readHashes(p))));
      expect(await store.log!.checkpoint()).toEqual(c);
    } finally {
      await store.close();
    }
  });
});

describe('envelopes read for the tally', () => {
  it('come as views of one buffer, byte for byte those stored (zero bytes, empty to long), fewer at the end', () => {
    const db = new IntakeDb(path);
    // Lengths 1 to ~3,000, random bytes (zero bytes among them), a run of zeros.
    const items = Array.from({ length: 300 }, (_, i) => ({ ...item(), envelope: i === 7 ? Buffer.alloc(500) : randomBytes(1 + ((i * 97) % 3000)) }));
    db.commit(items);
    const stored = (from: number, n: number) => db.envelopes(from, n).map(([, e]) => Buffer.from(e).toString('hex'));
    for (const [from, n] of [[0, 300], [0, 1], [5, 10], [290, 64], [299, 1]] as const) {
      const got = db.envelopeRange(from, n)!;
      expect(got.map((e) => Buffer.from(e).toString('hex')), `${from}+${n}`).toEqual(stored(from, n));
      expect(got.length).toBe(Math.min(n, 300 - from));
    }
    expect(Buffer.from(db.envelopeRange(7, 1)![0]!).equals(Buffer.alloc(500))).toBe(true);
    expect(db.envelopeRange(300, 10)).toEqual([]);
    db.close();
  });

  it('tell a hole in the range (a damaged database) from the end of the log', () => {
    const db = new IntakeDb(path);
    db.commit(Array.from({ length: 20 }, item));
    db.close();
    const raw = new Database(path);
    raw.prepare('DELETE FROM entries WHERE idx IN (0, 10, 19)').run();
    raw.close();
    const ro = new IntakeDb(path, { readonly: true });
    expect(ro.envelopeRange(0, 5)).toBeNull();
    expect(ro.envelopeRange(5, 10)).toBeNull();
    expect(ro.envelopeRange(1, 9)?.length).toBe(9);
    // The last entry gone: the range ends early, as at the end of the log.
    expect(ro.envelopeRange(11, 20)?.length).toBe(8);
    ro.close();
  });
});
