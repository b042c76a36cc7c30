/**
 * The ids and tag keys of relayed statements, derived from the relay secret (CLI spec, CSV rules):
 * importing the same file twice gives the same ids, so nothing new is queued and the tally counts
 * each statement once, while two people with the same alias stay two (the occurrence counter).
 *
 * ```
 * id       = HMAC-SHA-256(key, "sealpost/relay-id/v1"    || canonical JSON || u32be(occurrence))[0..16], hex
 * tagKey   = HMAC-SHA-256(secret, "sealpost/relay-tag/v1" || id (16 bytes)), base64
 * group.id = HMAC-SHA-256(key, "sealpost/relay-group/v1" || canonical JSON of the whole group)[0..16], hex
 * ref      = HMAC-SHA-256(secret, "sealpost/relay-ref/v1" || id (16 bytes)), hex   (the outbox's re-import key)
 * ```
 * `key` is the relay secret, or the bytes of the id given in an `id` column (a split group's parts).
 * The canonical JSON has every object's keys sorted and no spaces.
 */
import { createHash, createHmac } from 'node:crypto';

const enc = new TextEncoder();
const ID_DOMAIN = enc.encode('sealpost/relay-id/v1');
const TAG_DOMAIN = enc.encode('sealpost/relay-tag/v1');
const GROUP_DOMAIN = enc.encode('sealpost/relay-group/v1');
const REF_DOMAIN = enc.encode('sealpost/relay-ref/v1');

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`occurrence: expected a u32, got ${n}`);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

function idBytes(id: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new RangeError('id: expected 32 lowercase hex digits');
  return Buffer.from(id, 'hex');
}

/** JSON with every object's keys sorted (by UTF-16 code units, as Array.sort does) and no spaces. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A statement id from canonical JSON and how many identical rows or groups came before it. */
export function deriveId(key: Uint8Array, canonical: string, occurrence: number): string {
  return hmac(key, ID_DOMAIN, enc.encode(canonical), u32be(occurrence)).subarray(0, 16).toString('hex');
}

/** The tag key of a derived id (spec 8), base64 of 32 bytes. */
export function deriveTagKey(secret: Uint8Array, id: string): string {
  return hmac(secret, TAG_DOMAIN, idBytes(id)).toString('base64');
}

/** The `group.id` of a split group. */
export function deriveGroupId(key: Uint8Array, canonical: string): string {
  return hmac(key, GROUP_DOMAIN, enc.encode(canonical)).subarray(0, 16).toString('hex');
}

/** The outbox `ref` of a statement id: finds a row already queued or delivered (kept). */
export function deriveRef(secret: Uint8Array, id: string): string {
  return hmac(secret, REF_DOMAIN, idBytes(id)).toString('hex');
}

/** The HMAC key for a split group's parts when its id was given in an `id` column. */
export function keyOfGivenId(id: string): Uint8Array {
  return idBytes(id);
}

/**
 * Counts identical rows or groups (by a digest of their canonical JSON, 16 bytes: memory grows by
 * about 60 bytes per distinct statement, not by its size).
 */
export class Occurrences {
  readonly #seen = new Map<string, number>();
  /** How many times `canonical` came before; counts this one. */
  next(canonical: string): number {
    const k = createHash('sha256').update(canonical).digest().subarray(0, 16).toString('latin1');
    const n = this.#seen.get(k) ?? 0;
    this.#seen.set(k, n + 1);
    return n;
  }
}
