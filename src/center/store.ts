/**
 * The intake's storage seam (STYLE habit 1): one interface, SQLite now (`sqlite-store.ts`),
 * PostgreSQL later. The server depends only on this file.
 *
 * The store is the received log's source of truth (spec 5) and the tally's input (spec 8): it
 * keeps, per index, the envelope bytes, `eh`, `blind`, `hour`, the 40-byte log leaf and the
 * idempotency key SHA-256(token || eh) — never the raw token, never anything about the client.
 */
import { SealpostError } from '../errors.js';

export interface AppendItem {
  /** SHA-256(token || eh) (spec 3, delivery token): the idempotency key. */
  readonly idem: Uint8Array;
  /** SHA-256(envelope). */
  readonly eh: Uint8Array;
  /** The envelope bytes, already checked for version and length by the caller. */
  readonly envelope: Uint8Array;
}

/** What a receipt is made of (spec 4), plus whether this append created the entry. */
export interface Entry {
  readonly index: number;
  readonly eh: Uint8Array;
  /** 16 random bytes chosen when the entry was created. */
  readonly blind: Uint8Array;
  /** floor(unix seconds / 3600) when the entry was created. */
  readonly hour: number;
  /** False when the idempotency key was already stored (a retry, or a race in the same batch). */
  readonly fresh: boolean;
  /**
   * The signed receipt, when the store signs in the same hop as its commit (the SQLite worker
   * does: one thread hand-off per batch instead of two). Otherwise the server signs.
   */
  readonly receipt?: string;
}

/** A stored entry as the log and the tally read it. */
export interface StoredEntry {
  readonly index: number;
  readonly eh: Uint8Array;
  readonly blind: Uint8Array;
  readonly hour: number;
  /** The RFC 9162 leaf of spec 5: SHA-256("sealpost/leaf/v1" || blind || eh) || u64be(hour). */
  readonly leaf: Uint8Array;
  readonly envelope: Uint8Array;
}

/** A checkpoint as stored: its tree size and the signed note (wire spec 5). */
export interface StoredCheckpoint {
  readonly size: number;
  readonly note: string;
}

/**
 * The received log kept by a store (spec 5): its leaves are the entries' `leaf`, appended in the
 * same durable transaction; stored hashes in the tlog layout of src/log/merkle.ts.
 */
export interface ReceivedLogStore {
  /**
   * Signs and stores a checkpoint of the whole log when it grew since the latest stored one, and
   * resolves with the latest stored checkpoint (new or not). Never two for one size, never a
   * smaller one than stored: each is consistent with every earlier one.
   * @throws Error when the store is closed or has no log key
   */
  checkpoint(): Promise<StoredCheckpoint>;
  /** Stored hashes by position, all below storedHashCount(size) of a stored checkpoint's size. */
  readHashes(positions: readonly number[]): Promise<Uint8Array[]>;
  /** The 40-byte leaves of entries [from, from + count), in order (fewer at the end). */
  leaves(from: number, count: number): Promise<Uint8Array[]>;
}

export interface IntakeStore {
  /** The received log, when this store keeps one. */
  readonly log?: ReceivedLogStore;
  /**
   * Stores an envelope under its idempotency key and resolves once the entry is durable
   * (committed and fsync'd), so that a receipt may be signed for it (spec 4).
   *
   * The same `idem` always resolves to the same entry (same index, blind and hour) with
   * `fresh: false`, also when both appends race. A new `idem` gets the next index: 0, 1, 2, …
   * without gaps.
   *
   * @throws OverloadedError when the store's queue is full: nothing was stored, retry later.
   * @throws Error when the store is closed or the write failed: nothing was stored.
   */
  append(item: AppendItem): Promise<Entry>;
  /** The number of entries (the received log's size). */
  count(): Promise<number>;
  /** The entry at `index`, or undefined beyond the end. */
  entry(index: number): Promise<StoredEntry | undefined>;
  /** Every entry from `from` (default 0) in index order, as durable at the time each page is read. */
  iterate(from?: number): AsyncIterable<StoredEntry>;
  /** Commits what is queued, then releases the store. Later appends reject. */
  close(): Promise<void>;
}

/** The store's queue is full (spec 7: `503 overloaded` with `Retry-After`). */
export class OverloadedError extends SealpostError {
  override name = 'OverloadedError' as const;
  /** A hint for `Retry-After`, in seconds (at most 600, spec 7). */
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('overloaded', 'the intake is overloaded, retry later', { key: 'center.error.overloaded' });
    this.retryAfterSeconds = Math.min(600, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
