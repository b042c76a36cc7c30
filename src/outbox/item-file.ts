/**
 * The stored form of one outbox item, `<home>/outbox/<envelope id>.json` (issue 8, build point 1).
 * In the clear: the state, the attempt and backoff counters and the caller's opaque `ref` (a keyed
 * hash: nothing without the relay secret). The secret part — envelope, token, kept receipt, origin
 * and the kept statement id, tag key and counted fields — is sealed under the passphrase when one
 * is set (wire spec 9).
 */
import { fromBase64, toBase64 } from '../crypto/base64.js';
import { AtRestError, isSealed, type SealedDocument } from '../crypto/at-rest.js';
import { InputError } from '../errors.js';
import { parseJsonOr } from '../util/json.js';
import { englishText } from './messages.js';
import { isCountedKeep, type CountedKeep } from '../statement/counted.js';
import type { OutboxKeys } from './secrets.js';

/**
 * `pending`: waits for a receipt; `delivered`: its receipt verified (kept only with `keepReceipts`);
 * `failed`: the envelope itself is unusable (wrong version or length), never sent — a route's 4xx
 * never fails an envelope (CLI spec).
 */
export type OutboxState = 'pending' | 'delivered' | 'failed';

/** Where a relayed envelope came from (relay import: file + line; relay accept: file + block). Never a name. */
export interface Origin {
  readonly file: string;
  readonly line?: number;
  readonly block?: number;
}

/** A queued (or delivered and kept) envelope with the delivery token it is always sent with (spec 3). */
export interface OutboxItem {
  /** Envelope id (hex SHA-256 of the envelope). */
  readonly id: string;
  /** The envelope (empty once delivered: only the receipt is kept). */
  readonly envelope: Uint8Array;
  /** The delivery token (empty once delivered). */
  readonly token: Uint8Array;
  readonly state: OutboxState;
  /** Delivery attempts (route tries) so far. */
  readonly attempts: number;
  readonly reason?: string;
  readonly ref?: string;
  readonly origin?: Origin;
  /** Unix ms before which `outbox flush --watch` does not retry it (backoff). */
  readonly nextAt?: number;
  /** Failed flush rounds in a row (drives the backoff). */
  readonly failures?: number;
  /** The verified receipt (delivered and kept only). */
  readonly receipt?: string;
  /** The statement's id, tagKey and counted-entry fields, for `verify --counted` (kept only with `keepReceipts`: spec 9). */
  readonly counted?: CountedKeep;
}

interface Secret {
  envelope?: string;
  token?: string;
  receipt?: string;
  origin?: Origin;
  counted?: CountedKeep;
}

interface Stored extends Secret {
  v: 1;
  state: OutboxState;
  attempts: number;
  reason?: string;
  ref?: string;
  nextAt?: number;
  failures?: number;
  sealed?: SealedDocument;
}

const STATES: readonly string[] = ['pending', 'delivered', 'failed'];

/** The file text of `item`, sealed with `keys` when a passphrase is set. */
export async function encodeItem(item: OutboxItem, keys: OutboxKeys | null): Promise<string> {
  const secret: Secret = {
    ...(item.envelope.length ? { envelope: toBase64(item.envelope) } : {}),
    ...(item.token.length ? { token: toBase64(item.token) } : {}),
    ...(item.receipt !== undefined ? { receipt: item.receipt } : {}),
    ...(item.origin ? { origin: item.origin } : {}),
    ...(item.counted ? { counted: item.counted } : {}),
  };
  const s: Stored = {
    v: 1,
    state: item.state,
    attempts: item.attempts,
    ...(item.reason !== undefined ? { reason: item.reason } : {}),
    ...(item.ref !== undefined ? { ref: item.ref } : {}),
    ...(item.nextAt !== undefined ? { nextAt: item.nextAt } : {}),
    ...(item.failures ? { failures: item.failures } : {}),
    ...(keys ? { sealed: await keys.seal(secret) } : secret),
  };
  return JSON.stringify(s);
}

/** The clear header of a stored item (no passphrase needed): its state and ref. */
export function peekItem(text: string): { state: OutboxState; ref?: string } | null {
  try {
    const s = JSON.parse(text) as Stored;
    return STATES.includes(s.state) ? { state: s.state, ...(typeof s.ref === 'string' ? { ref: s.ref } : {}) } : null;
  } catch {
    return null;
  }
}

/**
 * Parses a stored item.
 * @throws InputError `unreadable` for a sealed item without the right passphrase; Error when damaged
 */
export async function decodeItem(id: string, text: string, keys: OutboxKeys | null): Promise<OutboxItem> {
  const damaged = () => new Error(englishText('outbox.damaged', { id }));
  const s = parseJsonOr(text, damaged) as Stored;
  if (typeof s !== 'object' || s === null || s.v !== 1 || !STATES.includes(s.state)) throw damaged();
  let secret: Secret = s;
  if (s.sealed !== undefined) {
    if (!isSealed(s.sealed)) throw damaged();
    if (!keys) {
      throw new InputError('unreadable', englishText('outbox.sealed-no-passphrase', { id }), { key: 'outbox.sealed-no-passphrase', params: { id }, field: 'SEALPOST_PASSPHRASE' });
    }
    try {
      secret = (await keys.open(s.sealed)) as Secret;
    } catch (err) {
      if (err instanceof AtRestError && err.reason === 'wrong-passphrase') {
        throw new InputError('unreadable', englishText('outbox.wrong-passphrase', { id }), { key: 'outbox.wrong-passphrase', params: { id }, field: 'SEALPOST_PASSPHRASE', cause: err });
      }
      throw damaged();
    }
  }
  const envelope = secret.envelope !== undefined ? fromBase64(secret.envelope) : new Uint8Array(0);
  const token = secret.token !== undefined ? fromBase64(secret.token, 16) : new Uint8Array(0);
  if (!envelope || !token || (s.state !== 'delivered' && (envelope.length === 0 || token.length === 0))) throw damaged();
  return {
    id,
    envelope,
    token,
    state: s.state,
    attempts: typeof s.attempts === 'number' ? s.attempts : 0,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.ref !== undefined ? { ref: s.ref } : {}),
    ...(secret.origin !== undefined ? { origin: secret.origin } : {}),
    ...(typeof s.nextAt === 'number' ? { nextAt: s.nextAt } : {}),
    ...(typeof s.failures === 'number' ? { failures: s.failures } : {}),
    ...(typeof secret.receipt === 'string' ? { receipt: secret.receipt } : {}),
    ...(isCountedKeep(secret.counted) ? { counted: secret.counted } : {}),
  };
}
