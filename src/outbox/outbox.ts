/**
 * The durable outbox (spec 9, CLI spec `outbox`): an envelope and its delivery token are written
 * (atomically, mode 0600) BEFORE the first delivery attempt, so that a statement is never lost to a
 * crash or a failed race, and deleted as soon as its receipt verifies, so that a seized device
 * holds as little as possible. Only sealed envelopes are stored, never plaintext.
 *
 * One file per envelope, `<home>/outbox/<envelope id>.json`; the store seam stays this small so
 * that the volunteer batch relay (a later issue) can reuse it.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { fromBase64, toBase64 } from '../crypto/base64.js';
import { envelopeIdHex, newDeliveryToken } from '../crypto/envelope.js';
import { envelopeShapeError } from '../crypto/sizes.js';
import { parseJsonOr } from '../util/json.js';

/** `pending`: waits for a receipt; `failed`: the envelope itself is unusable (wrong version or length), never sent. */
export type OutboxState = 'pending' | 'failed';

/** A queued envelope with the delivery token it is always sent with (spec 3: retries are idempotent). */
export interface OutboxItem {
  /** Envelope id (hex SHA-256 of the envelope). */
  readonly id: string;
  readonly envelope: Uint8Array;
  readonly token: Uint8Array;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly reason?: string;
}

interface Stored {
  v: 1;
  envelope: string;
  token: string;
  state: OutboxState;
  attempts: number;
  reason?: string;
}

const ID = /^[0-9a-f]{64}$/;

/**
 * The durable queue of sealed envelopes that wait for a receipt (spec 9): `<home>/outbox/`, one
 * file per envelope, mode 0600, written atomically and fsync'd before the first attempt, deleted
 * once the receipt verifies. It holds no plaintext.
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
  /** @param home the sealpost home folder; the outbox is its `outbox/` folder, created on first use (mode 0700) */
  constructor(home: string) {
    this.dir = join(home, 'outbox');
  }

  #path(id: string): string {
    if (!ID.test(id)) throw new RangeError('bad envelope id');
    return join(this.dir, `${id}.json`);
  }

  async #write(item: OutboxItem): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const s: Stored = {
      v: 1,
      envelope: toBase64(item.envelope),
      token: toBase64(item.token),
      state: item.state,
      attempts: item.attempts,
      ...(item.reason ? { reason: item.reason } : {}),
    };
    await writeFileAtomic(this.#path(item.id), JSON.stringify(s), { mode: 0o600, fsync: true });
  }

  /**
   * Queues an envelope (durable when this resolves). An envelope already queued keeps its token,
   * so that re-sending it is idempotent at the center (spec 3). A wrong version or length is
   * queued as `failed` (CLI spec: the envelope itself is unusable).
   */
  async add(envelope: Uint8Array, token?: Uint8Array): Promise<OutboxItem> {
    const id = envelopeIdHex(envelope);
    const existing = await this.get(id);
    if (existing) return existing;
    const shape = envelopeShapeError(envelope);
    const item: OutboxItem = {
      id,
      envelope,
      token: token ?? newDeliveryToken(),
      state: shape ? 'failed' : 'pending',
      attempts: 0,
      ...(shape ? { reason: shape } : {}),
    };
    await this.#write(item);
    return item;
  }

  /**
   * The queued item of an envelope id, or null when none is queued.
   * @param id the envelope id (64 hex digits)
   * @throws RangeError for an id that is not 64 hex digits; Error when the item's file is damaged
   */
  async get(id: string): Promise<OutboxItem | null> {
    let text: string;
    try {
      text = await readFile(this.#path(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const s = parseJsonOr(text, () => new Error(`outbox item ${id} is damaged`)) as Stored;
    const envelope = fromBase64(s.envelope);
    const token = fromBase64(s.token, 16);
    if (s.v !== 1 || !envelope || !token) throw new Error(`outbox item ${id} is damaged`);
    return { id, envelope, token, state: s.state, attempts: s.attempts, ...(s.reason ? { reason: s.reason } : {}) };
  }

  /** Every queued item (none when the folder does not exist yet). */
  async list(): Promise<OutboxItem[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const items = await Promise.all(names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).map((n) => this.get(n.slice(0, 64))));
    return items.filter((i): i is OutboxItem => i !== null);
  }

  /**
   * Adds `n` to an item's attempt count (after a race that did not deliver).
   * @param id the envelope id
   * @param n the attempts made
   */
  async recordAttempts(id: string, n: number): Promise<void> {
    const item = await this.get(id);
    if (item) await this.#write({ ...item, attempts: item.attempts + n });
  }

  /** Forgets a delivered envelope and its token (spec 9). */
  async remove(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }
}
