/**
 * The synchronous SQLite core of the intake store: schema, migrations and the group-commit
 * transaction. It runs either on the main thread or inside `sqlite-worker.ts`; `sqlite-store.ts`
 * does the queueing. Never logs anything (envelope bytes least of all).
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { loadSqlite } from './deps.js';
import type { AppendItem, Entry, StoredCheckpoint, StoredEntry } from './store.js';
import { hourOf, receivedLeaf } from './leaf.js';
import { LOG_SCHEMA, SqliteLog } from './log/sqlite-log.js';
import { leafHash, type Hash } from '../log/merkle.js';
import { checkpointText, parseCheckpointText, signCheckpoint } from '../log/checkpoint.js';
import type { NoteSigner } from '../crypto/note.js';

/** 1: entries. 2: the received log's stored hashes and checkpoints (issue 9). */
export const SCHEMA_VERSION = 2;
/** Leaves hashed per transaction when an older data folder's log is built on open. */
const CATCH_UP_CHUNK = 65_536;

/**
 * `idx` is the rowid (the received log index). The envelope column is last so that reading the
 * small columns (for the log) does not touch a row's overflow pages. No time finer than the hour
 * and nothing about the client is stored (spec 5: an intake logs no client addresses).
 */
const SCHEMA_V1 = `
CREATE TABLE entries (
  idx      INTEGER PRIMARY KEY,
  idem     BLOB NOT NULL UNIQUE,
  eh       BLOB NOT NULL,
  blind    BLOB NOT NULL,
  hour     INTEGER NOT NULL,
  leaf     BLOB NOT NULL,
  envelope BLOB NOT NULL
);
`;

export interface IntakeDbOptions {
  readonly readonly?: boolean;
  /** Clock in unix milliseconds (tests). */
  readonly now?: () => number;
  /**
   * Keep the received log's hashes with each commit (default true). Off only for a benchmark's
   * baseline: the next open with the log on builds what is missing from the stored leaves.
   */
  readonly log?: boolean;
}

interface Row {
  idx: number;
  eh: Buffer;
  blind: Buffer;
  hour: number;
  leaf: Buffer;
  envelope: Buffer;
}

function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The non-negative integers of a comma-separated list (`group_concat` of integers), read by hand. */
function commaNumbers(list: string): number[] {
  const out: number[] = [];
  let n = 0;
  for (let k = 0; k < list.length; k++) {
    const c = list.charCodeAt(k);
    if (c === 44) {
      out.push(n);
      n = 0;
    } else n = n * 10 + c - 48;
  }
  out.push(n);
  return out;
}

function toStored(r: Row): StoredEntry {
  return { index: r.idx, eh: u8(r.eh), blind: u8(r.blind), hour: r.hour, leaf: u8(r.leaf), envelope: u8(r.envelope) };
}

export class IntakeDb {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #find: Database.Statement<[Uint8Array], { idx: number; eh: Buffer; blind: Buffer; hour: number }>;
  readonly #insert: Database.Statement<[number, Uint8Array, Uint8Array, Uint8Array, number, Uint8Array, Uint8Array]>;
  readonly #next: Database.Statement<[], { n: number }>;
  readonly #page: Database.Statement<[number, number], Row>;
  #envelopes: Database.Statement<[number, number], [number, Buffer]> | undefined;
  #packed: Database.Statement<[number, number], [Buffer | null, string | null, string | null]> | undefined;
  readonly #commit: (items: readonly AppendItem[]) => Entry[];
  readonly #leaves: Database.Statement<[number, number], { leaf: Buffer }>;
  readonly #withLog: boolean;
  /** The received log (stored hashes and checkpoints) in this database. */
  readonly log: SqliteLog;

  constructor(path: string, opts: IntakeDbOptions = {}) {
    this.#now = opts.now ?? Date.now;
    const Sqlite = loadSqlite();
    this.#db = new Sqlite(path, opts.readonly ? { readonly: true, fileMustExist: true } : {});
    this.#db.pragma('busy_timeout = 10000');
    // Proofs read O(log n) random stored hashes: memory-mapped pages spare a read() and a copy
    // each, and a larger cache keeps the tree's upper levels, which every proof shares (issue 9:
    // a proof under 5 ms at 11.4 million leaves). SQLite caps the map at its compile-time maximum.
    this.#db.pragma('mmap_size = 2147418112');
    this.#db.pragma('cache_size = -65536');
    if (!opts.readonly) {
      this.#db.pragma('journal_mode = WAL');
      // FULL: every commit fsyncs the WAL, so a receipt is never signed for a write a power
      // loss could undo (spec 4). NORMAL would only be safe against a process crash.
      this.#db.pragma('synchronous = FULL');
      // After a burst, give the WAL's disk space back at the next checkpoint.
      this.#db.pragma('journal_size_limit = 67108864');
      this.#migrate();
    } else {
      const v = this.#version();
      if (v !== SCHEMA_VERSION) throw new Error(`intake database has schema version ${v}, expected ${SCHEMA_VERSION}`);
    }
    this.#find = this.#db.prepare('SELECT idx, eh, blind, hour FROM entries WHERE idem = ?');
    this.#insert = this.#db.prepare('INSERT INTO entries (idx, idem, eh, blind, hour, leaf, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#next = this.#db.prepare('SELECT coalesce(max(idx) + 1, 0) AS n FROM entries');
    this.#page = this.#db.prepare('SELECT idx, eh, blind, hour, leaf, envelope FROM entries WHERE idx >= ? ORDER BY idx LIMIT ?');
    this.#leaves = this.#db.prepare('SELECT leaf FROM entries WHERE idx >= ? ORDER BY idx LIMIT ?');
    this.log = new SqliteLog(this.#db);
    this.#withLog = !opts.readonly && opts.log !== false;
    // IMMEDIATE: take the write lock first, so that `max(idx) + 1` cannot race another writer
    // (a second process on the same data folder waits or fails; it never reuses an index).
    this.#commit = this.#db.transaction((items: readonly AppendItem[]) => this.#commitItems(items)).immediate;
    if (this.#withLog) {
      this.#catchUp();
      this.#checkLatest();
    }
  }

  /**
   * Builds the stored hashes the entries have and the hash table lacks (a data folder from before
   * the log, or one written with the log off), from the stored leaves, in chunks.
   */
  #catchUp(): void {
    const step = this.#db.transaction(() => {
      const at = this.log.size();
      const leaves = this.leaves(at, CATCH_UP_CHUNK);
      this.log.append(at, leaves.map(leafHash));
      return leaves.length;
    }).immediate;
    while (this.log.size() < this.count()) {
      if (step() === 0) throw new Error('the entries have a gap: cannot build the received log');
    }
  }

  /**
   * The latest stored checkpoint must be the tree the stored hashes give at its size: otherwise the
   * next checkpoint would be inconsistent with one already served (spec 5), so refuse to start.
   */
  #checkLatest(): void {
    const latest = this.log.latestCheckpoint();
    if (!latest) return;
    const c = parseCheckpointText(checkpointText(latest.note));
    if (c.size !== latest.size || c.size > this.log.size() || !Buffer.from(this.log.root(c.size)).equals(c.root)) {
      throw new Error(`the received log does not match its checkpoint of size ${latest.size}: refusing to sign an inconsistent one`);
    }
  }

  #version(): number | undefined {
    const has = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    if (!has) return undefined;
    const row = this.#db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    return row?.version;
  }

  #migrate(): void {
    this.#db.transaction(() => {
      const v = this.#version();
      if (v === undefined) {
        this.#db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
        this.#db.exec(SCHEMA_V1);
        this.#db.exec(LOG_SCHEMA);
        this.#db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
      } else if (v === 1) {
        // The hashes themselves are built after the migration (#catchUp), in chunks.
        this.#db.exec(LOG_SCHEMA);
        this.#db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
      } else if (v !== SCHEMA_VERSION) {
        // Later versions add migrations here, one step at a time; an unknown newer version is refused.
        throw new Error(`intake database has schema version ${v}, this build knows ${SCHEMA_VERSION}`);
      }
    }).immediate();
  }

  /**
   * Appends a batch in one transaction (one fsync): existing idempotency keys give their entry,
   * new ones the next indexes. All or nothing: on a throw nothing of the batch was stored.
   */
  commit(items: readonly AppendItem[]): Entry[] {
    return this.#commit(items);
  }

  #commitItems(items: readonly AppendItem[]): Entry[] {
    let next = this.#next.get()!.n;
    const first = next;
    const hour = hourOf(this.#now());
    const blinds = randomBytes(16 * items.length);
    const out: Entry[] = [];
    const hashes: Hash[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      // Also finds an entry inserted earlier in this same batch (same transaction).
      const found = this.#find.get(it.idem);
      if (found) {
        out.push({ index: found.idx, eh: u8(found.eh), blind: u8(found.blind), hour: found.hour, fresh: false });
        continue;
      }
      const blind = u8(blinds.subarray(16 * i, 16 * i + 16));
      const index = next++;
      const leaf = receivedLeaf(blind, it.eh, hour);
      this.#insert.run(index, it.idem, it.eh, blind, hour, leaf, it.envelope);
      if (this.#withLog) hashes.push(leafHash(leaf));
      out.push({ index, eh: it.eh, blind, hour, fresh: true });
    }
    // Same transaction: the leaves and the log's interior nodes are durable together (issue 9).
    if (hashes.length > 0) this.log.append(first, hashes);
    return out;
  }

  count(): number {
    return this.#next.get()!.n;
  }

  entry(index: number): StoredEntry | undefined {
    return this.page(index, 1)[0];
  }

  /** Up to `limit` entries from `from` in index order. */
  page(from: number, limit: number): StoredEntry[] {
    return this.#page.all(from, limit).map(toStored);
  }

  /**
   * Up to `limit` envelopes from `from` in index order, with their indexes (the tally's workers:
   * only the two columns they need, as raw rows).
   */
  envelopes(from: number, limit: number): Array<[index: number, envelope: Uint8Array]> {
    this.#envelopes ??= this.#db.prepare<[number, number], [number, Buffer]>('SELECT idx, envelope FROM entries WHERE idx >= ? ORDER BY idx LIMIT ?').raw(true);
    return this.#envelopes.all(from, limit);
  }

  /**
   * The envelopes of entries [from, from + limit) in index order (fewer at the end of the log), as
   * views of one buffer: SQLite concatenates them and gives their lengths, so one value crosses
   * for the range (a bench/tally finding: a Buffer made per row cost the tally's threads more than
   * SQLite's reading of it). null when the range has a hole, or the rows did not come in index
   * order (a damaged log, or a SQLite that reads otherwise: {@link envelopes} then reads row by row
   * and names a missing entry).
   */
  envelopeRange(from: number, limit: number): Uint8Array[] | null {
    // The three lists come from one pass over the rows, in one order; SQLite reads the index range
    // in index order, and the indexes listed check that order rather than trust it (an ordered
    // aggregate, SQLite 3.44+, sorts a copy of every envelope: several times slower).
    this.#packed ??= this.#db
      .prepare<[number, number], [Buffer | null, string | null, string | null]>(
        "SELECT CAST(group_concat(envelope, '') AS BLOB), group_concat(length(envelope)), group_concat(idx) FROM (SELECT idx, envelope FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx)",
      )
      .raw(true);
    const [bytes, lengths, indexes] = this.#packed.get(from, from + limit)!;
    if (indexes === null || lengths === null) return [];
    const lens = commaNumbers(lengths);
    const order = commaNumbers(indexes);
    const out = new Array<Uint8Array>(order.length);
    const all = bytes ?? new Uint8Array(0);
    let at = 0;
    for (let i = 0; i < order.length; i++) {
      // In order and without a hole: the next index, each time.
      if (order[i] !== from + i) return null;
      out[i] = all.subarray(at, at + lens[i]!);
      at += lens[i]!;
    }
    if (at !== all.length) throw new Error(`the intake database gave ${all.length} bytes for envelopes of ${at}`);
    return out;
  }

  /** The 40-byte leaves of `limit` entries from `from` (entry bundles, the log's catch-up). */
  leaves(from: number, limit: number): Uint8Array[] {
    return this.#leaves.all(from, limit).map((r) => u8(r.leaf));
  }

  /**
   * Signs and stores a checkpoint of the whole log when it grew since the latest stored one
   * (spec 5: never per request); returns the latest checkpoint either way. Call it on the writer,
   * between commits: the size and root are then those of committed leaves.
   */
  checkpoint(signer: NoteSigner): StoredCheckpoint {
    if (!this.#withLog) throw new Error('the received log is off in this store');
    return this.#db.transaction(() => {
      const size = this.log.size();
      const latest = this.log.latestCheckpoint();
      if (latest && latest.size >= size) return latest;
      const note = signCheckpoint(signer, { origin: signer.name, size, root: this.log.root(size) });
      const c = { size, note };
      this.log.storeCheckpoint(c);
      return c;
    }).immediate();
  }

  close(): void {
    this.#db.close();
  }
}
