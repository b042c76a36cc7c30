/**
 * The received log's stored hashes and checkpoints in the intake's SQLite database (wire spec 5).
 * Synchronous: it runs inside the store's own transactions, in the writer thread or the reader.
 *
 * `log_hashes` is the tlog stored-hash sequence of src/log/merkle.ts, one row per position:
 * appended in the same transaction as the entries of a batch, so that leaves and interior nodes
 * are durable together (issue 9, build 1). Rows are never updated or deleted, so a reader needs
 * no transaction: every position below storedHashCount(size) of a stored checkpoint's size is
 * committed and immutable. `checkpoints` keeps every checkpoint signed, stored before served.
 */
import type Database from 'better-sqlite3';
import type { StoredCheckpoint } from '../store.js';
import { appendPlan, consistencyPlan, inclusionPlan, runSync, storedHashCount, treeHashPlan, type Hash } from '../../log/merkle.js';

/** The log's tables (schema version 2 of the intake database, src/center/sqlite-db.ts). */
export const LOG_SCHEMA = `
CREATE TABLE log_hashes (
  pos  INTEGER PRIMARY KEY,
  hash BLOB NOT NULL
);
CREATE TABLE checkpoints (
  size INTEGER PRIMARY KEY,
  note TEXT NOT NULL
);
`;


function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The number of leaves whose stored hashes make exactly `count` positions; throws when none does. */
export function leavesOfHashCount(count: number): number {
  let lo = 0;
  let hi = count;
  // storedHashCount is increasing: the largest m with storedHashCount(m) <= count.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (storedHashCount(mid) <= count) lo = mid;
    else hi = mid - 1;
  }
  if (storedHashCount(lo) !== count) throw new Error(`the log's hash table holds ${count} hashes, which is no whole number of leaves`);
  return lo;
}

/** The received log in one SQLite connection: reads on any, appends on the writer's. */
export class SqliteLog {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[number], { hash: Buffer }>;
  readonly #hashCount: Database.Statement<[], { n: number }>;
  readonly #latest: Database.Statement<[], StoredCheckpoint>;
  #put: Database.Statement<[number, Uint8Array]> | undefined;
  #putCheckpoint: Database.Statement<[number, string]> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#get = db.prepare('SELECT hash FROM log_hashes WHERE pos = ?');
    this.#hashCount = db.prepare('SELECT coalesce(max(pos) + 1, 0) AS n FROM log_hashes');
    this.#latest = db.prepare('SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1');
  }

  /** How many leaves have their hashes stored. */
  size(): number {
    return leavesOfHashCount(this.#hashCount.get()!.n);
  }

  /**
   * Appends the leaf hashes of leaves `first`, `first + 1`, ... (must be the log's size): O(log n)
   * reads and writes per leaf. Call it inside the transaction that stores those leaves.
   */
  append(first: number, leafHashes: readonly Hash[]): void {
    this.#put ??= this.#db.prepare('INSERT INTO log_hashes (pos, hash) VALUES (?, ?)');
    // Hashes written by this call are read back from here: most reads of appendPlan are the ones
    // just written (the right edge of the tree).
    const written = new Map<number, Hash>();
    let pos = storedHashCount(first);
    const read = (positions: readonly number[]) => positions.map((p) => written.get(p) ?? this.#read(p));
    leafHashes.forEach((leaf, i) => {
      for (const h of runSync(appendPlan(first + i, leaf), read)) {
        this.#put!.run(pos, h);
        written.set(pos++, h);
      }
    });
  }

  #read(pos: number): Hash {
    const row = this.#get.get(pos);
    if (!row) throw new RangeError(`the log has no stored hash at ${pos}`);
    return u8(row.hash);
  }

  /** Stored hashes by position (one batch, each a primary-key lookup). */
  readHashes(positions: readonly number[]): Hash[] {
    return positions.map((p) => this.#read(p));
  }

  /** The root of the tree of the first `size` leaves. */
  root(size: number): Hash {
    return runSync(treeHashPlan(size), (p) => this.readHashes(p));
  }

  inclusion(index: number, size: number): Hash[] {
    return runSync(inclusionPlan(index, size), (p) => this.readHashes(p));
  }

  consistency(from: number, to: number): Hash[] {
    return runSync(consistencyPlan(from, to), (p) => this.readHashes(p));
  }

  /** The checkpoint of the largest size stored, if any. */
  latestCheckpoint(): StoredCheckpoint | undefined {
    return this.#latest.get();
  }

  /** Stores a signed checkpoint (call inside a transaction; a size is signed once). */
  storeCheckpoint(c: StoredCheckpoint): void {
    this.#putCheckpoint ??= this.#db.prepare('INSERT INTO checkpoints (size, note) VALUES (?, ?)');
    this.#putCheckpoint.run(c.size, c.note);
  }
}
