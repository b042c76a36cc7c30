/**
 * The durable outbox (spec 9, CLI spec `outbox`, issue 8 build point 1): an envelope and its
 * delivery token are written (atomically and durably, mode 0600) BEFORE the first delivery
 * attempt, so that a statement is never lost to a crash or a failed race; on delivery they are
 * deleted, and only the receipt is kept, and only when asked (`--keep-receipts`). Only sealed
 * envelopes are stored, never plaintext.
 *
 * One file per envelope, `<home>/outbox/<envelope id>.json` (src/outbox/item-file.ts).
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envelopeIdHex, newDeliveryToken } from '../crypto/envelope.js';
import { envelopeShapeError } from '../crypto/sizes.js';
import { backoffDelay } from './backoff.js';
import { DirSync, removeDurable, writeDurable } from './durable.js';
import { decodeItem, encodeItem, peekItem, type Origin, type OutboxItem } from './item-file.js';
import { OutboxKeys } from './secrets.js';
import type { CountedKeep } from '../statement/counted.js';

export type { Origin, OutboxItem, OutboxState } from './item-file.js';

/** Options of {@link Outbox.add} and {@link Outbox.addIfNew}. */
export interface AddOptions {
  /** Default: a fresh 16-byte token (spec 3). */
  readonly token?: Uint8Array;
  /** An opaque key chosen by the caller, 64 hex digits, that lets a re-import find a row already queued or delivered (while its receipt is kept). */
  readonly ref?: string;
  readonly origin?: Origin;
  /**
   * The statement's id, tag key and counted-entry fields (src/statement/counted.ts), for
   * `verify --counted`: stored only when the outbox keeps receipts (wire spec 9), else dropped.
   */
  readonly counted?: CountedKeep;
}

/** Options of the {@link Outbox} constructor. */
export interface OutboxOptions {
  /** Seals tokens, kept receipts and origins under this passphrase (wire spec 9); null or absent: none. */
  readonly passphrase?: string | null;
  /** Keep the receipt of a delivered envelope (`--keep-receipts`); by default nothing of it stays. */
  readonly keepReceipts?: boolean;
}

const ID = /^[0-9a-f]{64}$/;
const FILE = /^[0-9a-f]{64}\.json$/;

/**
 * The durable queue of sealed envelopes that wait for a receipt (spec 9): `<home>/outbox/`, one
 * file per envelope, mode 0600, written atomically and fsync'd (folder included) before the first
 * attempt, deleted once the receipt verifies (or reduced to the receipt with `keepReceipts`).
 *
 * @example Queue an envelope, then send it with sendItem
 * ```ts
 * const outbox = new Outbox('sealpost-home');
 * const item = await outbox.add(envelope);
 * const result = await sendItem(outbox, item, routes, { center });
 * ```
 */
export class Outbox {
  /** The outbox folder, `<home>/outbox`. */
  readonly dir: string;
  readonly keepReceipts: boolean;
  readonly #keys: OutboxKeys | null;
  readonly #sync: DirSync;
  /** Envelope ids and refs present (pending, failed or delivered-and-kept), built on first need. */
  #index: Promise<{ ids: Set<string>; refs: Set<string> }> | null = null;

  /**
   * @param home the sealpost home folder; the outbox is its `outbox/` folder, created on first use (mode 0700)
   * @param opts the passphrase (wire spec 9) and whether receipts are kept
   */
  constructor(home: string, opts: OutboxOptions = {}) {
    this.dir = join(home, 'outbox');
    this.keepReceipts = Boolean(opts.keepReceipts);
    this.#keys = opts.passphrase ? new OutboxKeys(opts.passphrase) : null;
    this.#sync = new DirSync(this.dir);
  }

  #path(id: string): string {
    if (!ID.test(id)) throw new RangeError('bad envelope id');
    return join(this.dir, `${id}.json`);
  }

  async #write(item: OutboxItem): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeDurable(this.#path(item.id), await encodeItem(item, this.#keys), this.#sync);
  }

  #newItem(envelope: Uint8Array, opts: AddOptions): OutboxItem {
    if (opts.ref !== undefined && !ID.test(opts.ref)) throw new RangeError('ref: expected 64 hex digits');
    const shape = envelopeShapeError(envelope);
    return {
      id: envelopeIdHex(envelope),
      envelope,
      token: opts.token ?? newDeliveryToken(),
      state: shape ? 'failed' : 'pending',
      attempts: 0,
      ...(shape ? { reason: shape } : {}),
      ...(opts.ref !== undefined ? { ref: opts.ref } : {}),
      ...(opts.origin ? { origin: opts.origin } : {}),
      ...(opts.counted && this.keepReceipts ? { counted: opts.counted } : {}),
    };
  }

  /**
   * Queues an envelope (durable when this resolves). An envelope already queued keeps its token,
   * so that re-sending it is idempotent at the center (spec 3). A wrong version or length is
   * queued as `failed` (CLI spec: the envelope itself is unusable), never sent.
   * @param opts the token, ref and origin; a bare Uint8Array is the token (the earlier signature)
   */
  async add(envelope: Uint8Array, opts: AddOptions | Uint8Array = {}): Promise<OutboxItem> {
    const o: AddOptions = opts instanceof Uint8Array ? { token: opts } : opts;
    const existing = await this.get(envelopeIdHex(envelope));
    if (existing && existing.state !== 'delivered') return existing;
    const item = this.#newItem(envelope, o);
    await this.#write(item);
    await this.#remember(item);
    return item;
  }

  /**
   * Queues an envelope unless an item with the same envelope id, or the same ref, is already
   * pending, failed, or delivered and kept: then nothing is written and it returns null. Safe to
   * call concurrently from one process (the check and the reservation are one synchronous step).
   */
  async addIfNew(envelope: Uint8Array, opts: AddOptions = {}): Promise<OutboxItem | null> {
    const item = this.#newItem(envelope, opts);
    const index = await this.#loadIndex();
    if (index.ids.has(item.id) || (item.ref !== undefined && index.refs.has(item.ref))) return null;
    index.ids.add(item.id);
    if (item.ref !== undefined) index.refs.add(item.ref);
    try {
      await this.#write(item);
    } catch (err) {
      index.ids.delete(item.id);
      if (item.ref !== undefined) index.refs.delete(item.ref);
      throw err;
    }
    return item;
  }

  /** True when an item with this ref is pending, failed, or delivered and kept. */
  async hasRef(ref: string): Promise<boolean> {
    return (await this.#loadIndex()).refs.has(ref);
  }

  async #remember(item: OutboxItem): Promise<void> {
    if (!this.#index) return;
    const index = await this.#index;
    index.ids.add(item.id);
    if (item.ref !== undefined) index.refs.add(item.ref);
  }

  async #forget(item: OutboxItem): Promise<void> {
    if (!this.#index) return;
    const index = await this.#index;
    index.ids.delete(item.id);
    if (item.ref !== undefined) index.refs.delete(item.ref);
  }

  /** Reads only the clear headers: no passphrase is needed to know what is queued. */
  #loadIndex(): Promise<{ ids: Set<string>; refs: Set<string> }> {
    this.#index ??= (async () => {
      const ids = new Set<string>();
      const refs = new Set<string>();
      for (const name of await this.#names()) {
        const head = peekItem(await readFile(join(this.dir, name), 'utf8').catch(() => ''));
        if (!head) continue;
        ids.add(name.slice(0, 64));
        if (head.ref) refs.add(head.ref);
      }
      return { ids, refs };
    })();
    return this.#index;
  }

  async #names(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => FILE.test(n)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /**
   * The item of an envelope id, or null when none is queued or kept.
   * @param id the envelope id (64 hex digits)
   * @throws RangeError for an id that is not 64 hex digits; InputError `unreadable` for a sealed
   *   item without the right passphrase; Error when the item's file is damaged
   */
  async get(id: string): Promise<OutboxItem | null> {
    let text: string;
    try {
      text = await readFile(this.#path(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return decodeItem(id, text, this.#keys);
  }

  /** The text of an item's file, or null when it is gone (deleted meanwhile by another process). */
  #readSync(name: string): string | null {
    try {
      return readFileSync(join(this.dir, name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Every item, in id order (none when the folder does not exist yet). */
  async list(): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    const names = await this.#names();
    // A volunteer's outbox can hold tens of thousands of items. Synchronous reads of small files,
    // 64 between turns of the event loop: fs/promises' readFile costs four thread-pool round trips
    // a file (open, fstat, read, close), a third of a 10,000-envelope flush's start (issue 8, bench/relay).
    for (let i = 0; i < names.length; i += 64) {
      const texts = names.slice(i, i + 64).map((n) => [n.slice(0, 64), this.#readSync(n)] as const);
      const got = await Promise.all(texts.map(([id, text]) => (text === null ? null : decodeItem(id, text, this.#keys))));
      for (const g of got) if (g) items.push(g);
      await new Promise((r) => setImmediate(r));
    }
    return items;
  }

  /**
   * Settles a delivered envelope: the envelope and its token are deleted; with `keepReceipts` the
   * item stays as `delivered` holding only the receipt (spec 9).
   */
  async markDelivered(item: OutboxItem, receipt: string, attempts: number): Promise<OutboxItem> {
    const done: OutboxItem = {
      id: item.id,
      envelope: new Uint8Array(0),
      token: new Uint8Array(0),
      state: 'delivered',
      attempts: item.attempts + attempts,
      receipt,
      ...(item.ref !== undefined ? { ref: item.ref } : {}),
      ...(item.origin ? { origin: item.origin } : {}),
      ...(item.counted ? { counted: item.counted } : {}),
    };
    if (this.keepReceipts) {
      await this.#write(done);
    } else {
      await removeDurable(this.#path(item.id), this.#sync);
      await this.#forget(item);
    }
    return done;
  }

  /**
   * Records a round that did not deliver: the attempts, and the next try after the backoff
   * (1 s doubling to 10 min, jitter, Retry-After as a floor: src/outbox/backoff.ts). An item
   * delivered meanwhile (by another process) is left as it is.
   */
  async recordFailure(item: OutboxItem, attempts: number, opts: { now?: number; random?: () => number; retryAfterMs?: number } = {}): Promise<OutboxItem> {
    const current = await this.get(item.id);
    if (!current || current.state !== 'pending') return current ?? item;
    const failures = (current.failures ?? 0) + 1;
    const next: OutboxItem = {
      ...current,
      attempts: current.attempts + attempts,
      failures,
      nextAt: (opts.now ?? Date.now()) + backoffDelay(failures, opts.random, opts.retryAfterMs),
    };
    await this.#write(next);
    return next;
  }

  /**
   * Adds `n` to an item's attempt count (after a race that did not deliver).
   * @deprecated use {@link Outbox.recordFailure}, which also sets the backoff
   */
  async recordAttempts(id: string, n: number): Promise<void> {
    const item = await this.get(id);
    if (item) await this.#write({ ...item, attempts: item.attempts + n });
  }

  /**
   * Removes the temp files of writes a crash interrupted (write-file-atomic's `<id>.json.<n>`):
   * they may hold an envelope and its token, or a receipt, that nothing would ever delete. Only
   * those older than a minute, so that a write running in another process (`submit`) is left alone.
   * @returns how many were removed
   */
  async removeStaleTemp(now = Date.now()): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}\.json\.\w+$/.test(name)) continue;
      const file = join(this.dir, name);
      const st = await stat(file).catch(() => null);
      if (st && now - st.mtimeMs > 60_000) {
        await unlink(file).catch(() => {});
        n++;
      }
    }
    return n;
  }

  /** Forgets an item and, for a pending one, its token (spec 9). */
  async remove(id: string): Promise<void> {
    await removeDurable(this.#path(id), this.#sync);
    if (this.#index) (await this.#index).ids.delete(id);
  }
}
