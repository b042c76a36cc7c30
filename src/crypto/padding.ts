/**
 * Length-hiding padding of the statement (wire spec 3):
 * `padded = u32be(len(json)) || json || zero bytes up to P`, P the smallest bucket that holds it.
 */
import { EnvelopeError, InputError } from '../errors.js';
import { assertBytes } from './bytes.js';
import { BUCKETS } from './sizes.js';

/** Bytes of the big-endian length prefix. */
export const LENGTH_PREFIX = 4;
/** The longest statement an envelope holds: the largest bucket minus the length prefix (16380 bytes). */
export const MAX_PLAINTEXT = BUCKETS[BUCKETS.length - 1]! - LENGTH_PREFIX;

/** The bucket P for a statement of `length` bytes, or undefined when none holds it (spec 3). */
export function bucketFor(length: number): number | undefined {
  return BUCKETS.find((p) => LENGTH_PREFIX + length <= p);
}

/**
 * Pads the statement's JSON bytes into the smallest bucket that holds them.
 * @throws InputError `too-large` (key `crypto.envelope.too-large`) above {@link MAX_PLAINTEXT} bytes: the user
 *   must split the group over several statements; InputError `empty` for zero bytes (no statement is empty,
 *   and the opener refuses a zero length prefix); TypeError when `json` is not a Uint8Array.
 */
export function pad(json: Uint8Array): Uint8Array {
  assertBytes('json', json);
  if (json.length === 0) {
    throw new InputError('empty', 'the statement is empty', { key: 'crypto.envelope.empty' });
  }
  const p = bucketFor(json.length);
  if (p === undefined) {
    throw new InputError('too-large', `statement of ${json.length} bytes is larger than ${MAX_PLAINTEXT} bytes`, {
      key: 'crypto.envelope.too-large',
      params: { size: json.length, max: MAX_PLAINTEXT },
    });
  }
  const out = new Uint8Array(p); // zero-filled: the padding
  new DataView(out.buffer).setUint32(0, json.length, false);
  out.set(json, LENGTH_PREFIX);
  return out;
}

/**
 * The OR of every byte of `b` from `start` on, reading all of them: four at a time where they are
 * aligned (a bench/tally finding: the byte loop over up to 16 KiB of padding cost a tenth of the
 * box; whole words make it a quarter of that).
 */
function orBytes(b: Uint8Array, start: number): number {
  let acc = 0;
  let i = start;
  for (; i < b.length && (b.byteOffset + i) % 4 !== 0; i++) acc |= b[i]!;
  const words = (b.length - i) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    for (let j = 0; j < words; j++) acc |= w[j]!;
    i += words * 4;
  }
  for (; i < b.length; i++) acc |= b[i]!;
  return acc;
}

/**
 * Reverses {@link pad} on an opened box. A statement in a larger bucket than it needs is accepted (spec 3).
 * The checks run on authenticated bytes (after the box opened), so their timing tells an attacker nothing
 * it did not write itself; the zero check still reads every byte.
 * @returns a copy of the JSON bytes.
 * @throws EnvelopeError `bad-length-prefix` when the prefix is zero or does not fit in `padded`;
 *   EnvelopeError `bad-padding` when a padding byte is not zero; TypeError when `padded` is not a Uint8Array;
 *   RangeError when its length is not one of the buckets (a caller bug: the box length was checked before).
 */
export function unpad(padded: Uint8Array): Uint8Array {
  return unpadView(padded).slice();
}

/**
 * {@link unpad} without the copy: the JSON bytes as a view of `padded` (the tally, which opens into
 * one reused buffer and zeroes it after each statement).
 * @throws as {@link unpad}
 */
export function unpadView(padded: Uint8Array): Uint8Array {
  assertBytes('padded', padded);
  if (!(BUCKETS as readonly number[]).includes(padded.length)) {
    throw new RangeError(`padded: expected one of ${BUCKETS.join(', ')} bytes, got ${padded.length}`);
  }
  const length = ((padded[0]! << 24) | (padded[1]! << 16) | (padded[2]! << 8) | padded[3]!) >>> 0;
  if (length === 0 || length > padded.length - LENGTH_PREFIX) throw new EnvelopeError('bad-length-prefix');
  if (orBytes(padded, LENGTH_PREFIX + length) !== 0) throw new EnvelopeError('bad-padding');
  return padded.subarray(LENGTH_PREFIX, LENGTH_PREFIX + length);
}
